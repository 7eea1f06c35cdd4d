using Ers.Cards;
using Ers.Grains.Cards;

namespace Ers.Grains.Tests.Rules;

/// <summary>Issue 13, defects 1 and 2, as pure rules: who may report a card, and where a card may prove itself.</summary>
public sealed class CardHolderRuleTests
{
    [Theory]
    [InlineData(CardState.Absent, null, "ws1", RefusalCodes.CardNotInserted)]
    [InlineData(CardState.Inserted, "ws2", "ws1", RefusalCodes.CardInOtherWorkstation)]
    [InlineData(CardState.Authenticated, "ws2", "ws1", RefusalCodes.CardInOtherWorkstation)]
    [InlineData(CardState.Blocked, "ws2", "ws1", RefusalCodes.CardInOtherWorkstation)]
    [InlineData(CardState.Inserted, "ws1", "ws1", null)]
    [InlineData(CardState.Authenticated, "ws1", "ws1", null)]
    [InlineData(CardState.Blocked, "ws1", "ws1", null)]
    [InlineData(CardState.Revoked, "ws1", "ws1", null)]
    public void Only_the_holding_workstation_may_report_a_card(CardState state, string? heldAt, string workstation, string? refusal) =>
        Assert.Equal(refusal, CardRules.CanReport(state, heldAt, workstation)?.Code);

    [Theory]
    [InlineData(CardState.Authenticated, "ws2", "ws1", null)]
    [InlineData(CardState.Inserted, "ws2", "ws1", null)]
    [InlineData(CardState.Blocked, "ws2", "ws1", null)]
    [InlineData(CardState.Absent, null, "ws1", null)]
    [InlineData(CardState.Revoked, "ws2", "ws1", RefusalCodes.CardRevoked)]
    public void A_card_reported_at_a_workstation_may_prove_itself_there(CardState state, string? heldAt, string workstation, string? refusal) =>
        Assert.Equal(refusal, CardRules.CanAuthenticate(state, heldAt, workstation, reportedThere: true)?.Code);

    [Theory]
    [InlineData(CardState.Authenticated, "ws2", "ws1", true)]
    [InlineData(CardState.Inserted, "ws2", "ws1", true)]
    [InlineData(CardState.Authenticated, "ws1", "ws1", false)]
    [InlineData(CardState.Absent, null, "ws1", false)]
    public void An_insertion_elsewhere_does_not_move_a_held_card(CardState state, string? heldAt, string workstation, bool elsewhere) =>
        Assert.Equal(elsewhere, CardRules.IsHeldElsewhere(state, heldAt, workstation));
}
