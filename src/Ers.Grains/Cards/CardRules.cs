using Ers.Cards;

namespace Ers.Grains.Cards;

/// <summary>What a card may do in each of its states.</summary>
public static class CardRules
{
    /// <summary>
    /// A revoked card cannot be used to log in, wherever it is inserted. A card reported blocked may be used again:
    /// only the card knows whether an RA has unblocked it, and a fresh signature proves the PIN was verified.
    /// </summary>
    public static Refusal? CanUse(CardState state) => state switch
    {
        CardState.Revoked => new Refusal(RefusalCodes.CardRevoked,
            "This card has been revoked. Contact your Registration Authority (RA)."),
        _ => null,
    };

    /// <summary>
    /// A card authenticates where it is held, or at a workstation that reported it inserted since (a card moved to
    /// another reader): the caller verified a fresh signature over a challenge issued to that workstation, which only
    /// the card can make. A proof from a workstation that never reported the card is refused. A card reported blocked
    /// at the workstation holding it authenticates again only once it is inserted there again.
    /// </summary>
    public static Refusal? CanAuthenticate(CardState state, string? heldAt, string workstationId, bool reportedThere)
    {
        if (CanUse(state) is { } refusal)
        {
            return refusal;
        }

        if (heldAt == workstationId && state == CardState.Blocked)
        {
            return new Refusal(RefusalCodes.CardBlocked,
                "This card is blocked. Contact your Registration Authority (RA) to unblock it, then insert it again.");
        }

        if ((heldAt == workstationId && state != CardState.Absent) || reportedThere)
        {
            return null;
        }

        return state == CardState.Absent || heldAt is null ? NotInserted : OtherWorkstation;
    }

    /// <summary>
    /// Only the workstation holding a card may report it removed or blocked: any other report would let one
    /// workstation end another's session or lock a card it never had.
    /// </summary>
    public static Refusal? CanReport(CardState state, string? heldAt, string workstationId)
    {
        if (state == CardState.Absent || heldAt is null)
        {
            return NotInserted;
        }

        return heldAt == workstationId ? null : OtherWorkstation;
    }

    /// <summary>
    /// An insertion reported by another workstation than the one holding the card does not move it (it proves
    /// nothing: a card's certificate is public); the card moves when it signs there.
    /// </summary>
    public static bool IsHeldElsewhere(CardState state, string? heldAt, string workstationId) =>
        state != CardState.Absent && heldAt is not null && heldAt != workstationId;

    private static Refusal NotInserted => new(RefusalCodes.CardNotInserted, "The card is not in a reader. Insert it and try again.");

    private static Refusal OtherWorkstation => new(RefusalCodes.CardInOtherWorkstation, "The card was inserted at another workstation.");
}
