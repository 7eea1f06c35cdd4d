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
    /// A card authenticates only where it was last seen inserted: a proof from another workstation is refused.
    /// </summary>
    public static Refusal? CanAuthenticate(CardState state, string? insertedAt, string workstationId)
    {
        if (CanUse(state) is { } refusal)
        {
            return refusal;
        }

        if (state == CardState.Blocked)
        {
            return new Refusal(RefusalCodes.CardBlocked,
                "This card is blocked. Contact your Registration Authority (RA) to unblock it, then insert it again.");
        }

        if (state == CardState.Absent || insertedAt is null)
        {
            return new Refusal(RefusalCodes.CardNotInserted, "The card is not in a reader. Insert it and try again.");
        }

        return insertedAt == workstationId
            ? null
            : new Refusal(RefusalCodes.CardInOtherWorkstation, "The card was inserted at another workstation.");
    }
}
