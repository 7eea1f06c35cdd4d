using Ers.Cards;
using Ers.Grains.Cards;

namespace Ers.Grains.Tests.Rules;

/// <summary>Issue 16, unblocking a card's PIN, as pure rules: when an RA may order it, and when the agent's report counts.</summary>
public sealed class UnblockRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static UnblockOrder OrderFor(string workstation, DateTimeOffset? expiresAt = null) =>
        new("order1", workstation, "555294209120", "555021935120", Now.AddMinutes(-1), expiresAt ?? Now.AddMinutes(14));

    [Theory]
    [InlineData(CardState.Blocked, "WS-RA", null)]
    [InlineData(CardState.Absent, "WS-RA", RefusalCodes.CardNotBlocked)]
    [InlineData(CardState.Inserted, "WS-RA", RefusalCodes.CardNotBlocked)]
    [InlineData(CardState.Authenticated, "WS-RA", RefusalCodes.CardNotBlocked)]
    [InlineData(CardState.Revoked, "WS-RA", RefusalCodes.CardRevoked)]
    [InlineData(CardState.Blocked, " ", RefusalCodes.UnblockOtherWorkstation)]
    public void Only_a_card_seen_blocked_and_not_revoked_may_be_ordered_unblocked(CardState state, string workstation, string? refusal) =>
        Assert.Equal(refusal, UnblockRules.CanAuthorize(state, workstation)?.Code);

    [Fact]
    public void An_order_is_open_until_it_expires_and_not_at_its_expiry()
    {
        var order = OrderFor("WS-RA", Now.AddSeconds(1));
        Assert.Same(order, UnblockRules.Open(order, Now));
        Assert.Null(UnblockRules.Open(order, Now.AddSeconds(1)));
        Assert.Null(UnblockRules.Open(null, Now));
    }

    [Theory]
    [InlineData(CardState.Blocked, "WS-RA", "WS-RA", false, null)]
    [InlineData(CardState.Inserted, "WS-RA", "WS-RA", false, null)]
    [InlineData(CardState.Blocked, "WS-USER", "WS-RA", true, null)] // still held where it blocked; read at the RA's
    [InlineData(CardState.Blocked, "WS-USER", "WS-RA", false, RefusalCodes.CardNotInserted)]
    [InlineData(CardState.Blocked, null, "WS-RA", false, RefusalCodes.CardNotInserted)]
    [InlineData(CardState.Absent, "WS-RA", "WS-RA", false, RefusalCodes.CardNotInserted)]
    [InlineData(CardState.Blocked, "WS-OTHER", "WS-OTHER", false, RefusalCodes.UnblockOtherWorkstation)]
    [InlineData(CardState.Revoked, "WS-RA", "WS-RA", false, RefusalCodes.CardRevoked)]
    public void A_report_counts_from_the_orders_workstation_holding_the_card(
        CardState state, string? heldAt, string workstation, bool reportedThere, string? refusal) =>
        Assert.Equal(refusal, UnblockRules.CanReport(OrderFor("WS-RA"), Now, state, heldAt, workstation, reportedThere)?.Code);

    [Fact]
    public void A_report_without_an_order_or_after_it_expired_is_refused()
    {
        Assert.Equal(RefusalCodes.UnblockNoOrder, UnblockRules.CanReport(null, Now, CardState.Blocked, "WS-RA", "WS-RA", false)?.Code);
        var order = OrderFor("WS-RA", Now);
        Assert.Equal(RefusalCodes.UnblockOrderExpired, UnblockRules.CanReport(order, Now, CardState.Blocked, "WS-RA", "WS-RA", false)?.Code);
        Assert.Null(UnblockRules.CanReport(order, Now.AddTicks(-1), CardState.Blocked, "WS-RA", "WS-RA", false));
    }
}
