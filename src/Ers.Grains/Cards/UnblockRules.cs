using Ers.Cards;

namespace Ers.Grains.Cards;

/// <summary>
/// When an RA may order a card unblocked, and when the agent's report of the card's RESET RETRY COUNTER counts. The
/// server authorises, the card enforces: the PUK is checked by the card alone, and this only decides whether Ers
/// believes the report (the order is open, for this workstation, which holds the card).
/// </summary>
public static class UnblockRules
{
    /// <summary>How long an RA's order stays open: the RA authorises with the card in hand, or about to be.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A revoked card is never unblocked (it cannot log in anyway); a card Ers has not seen blocked has nothing to
    /// unblock: its agent reports a blocked PIN as soon as it reads the card. An order needs the RA's workstation.
    /// </summary>
    public static Refusal? CanAuthorize(CardState state, string workstationId)
    {
        if (CardRules.CanUse(state) is { } refusal)
        {
            return refusal;
        }

        if (string.IsNullOrWhiteSpace(workstationId))
        {
            return OtherWorkstation;
        }

        return state == CardState.Blocked
            ? null
            : new Refusal(RefusalCodes.CardNotBlocked, "Ers has not seen this card blocked. Insert it at the workstation so its agent can read it, then try again.");
    }

    /// <summary>The order while it is open at <paramref name="now"/>; null when there is none or it expired.</summary>
    public static UnblockOrder? Open(UnblockOrder? order, DateTimeOffset now) =>
        order is not null && now < order.ExpiresAt ? order : null;

    /// <summary>
    /// A report of the card's RESET RETRY COUNTER counts only from the order's workstation, while the order is open
    /// and that workstation holds the card: it is where the card was read (<paramref name="heldAt"/>, or
    /// <paramref name="reportedThere"/> for a card still held by the workstation where it blocked). The order binds
    /// the workstation the RA chose, so the report of any other is refused, with or without a card.
    /// </summary>
    public static Refusal? CanReport(UnblockOrder? order, DateTimeOffset now, CardState state, string? heldAt, string workstationId, bool reportedThere)
    {
        if (CardRules.CanUse(state) is { } refusal)
        {
            return refusal;
        }

        if (order is null)
        {
            return new Refusal(RefusalCodes.UnblockNoOrder,
                "No Registration Authority (RA) has authorised unblocking this card. Ask your RA to authorise it first.");
        }

        if (now >= order.ExpiresAt)
        {
            return new Refusal(RefusalCodes.UnblockOrderExpired,
                "The Registration Authority's (RA's) authorisation to unblock this card has expired. Ask your RA to authorise it again.");
        }

        if (order.WorkstationId != workstationId)
        {
            return OtherWorkstation;
        }

        var holds = (heldAt == workstationId && state != CardState.Absent) || reportedThere;
        return holds ? null : new Refusal(RefusalCodes.CardNotInserted, "The card is not in a reader. Insert it and try again.");
    }

    private static Refusal OtherWorkstation => new(RefusalCodes.UnblockOtherWorkstation,
        "The unblock of this card was authorised for another workstation.");
}
