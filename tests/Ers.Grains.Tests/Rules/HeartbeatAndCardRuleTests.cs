using Ers.Cards;
using Ers.Grains.Cards;
using Ers.Grains.Workstations;

namespace Ers.Grains.Tests.Rules;

public sealed class HeartbeatAndCardRuleTests
{
    private static readonly DateTimeOffset T0 = ClusterFixture.Start;

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    public void Heartbeat_loss_after_the_timeout(int seconds, bool lost) =>
        Assert.Equal(lost, HeartbeatRule.IsLost(T0, T0.AddSeconds(seconds), TimeSpan.FromSeconds(30)));

    [Fact]
    public void A_workstation_never_heard_from_is_not_lost() =>
        Assert.False(HeartbeatRule.IsLost(null, T0, TimeSpan.FromSeconds(30)));

    [Theory]
    [InlineData(CardState.Revoked, "ws1", "ws1", RefusalCodes.CardRevoked)]
    [InlineData(CardState.Blocked, "ws1", "ws1", RefusalCodes.CardBlocked)]
    [InlineData(CardState.Absent, null, "ws1", RefusalCodes.CardNotInserted)]
    [InlineData(CardState.Inserted, "ws2", "ws1", RefusalCodes.CardInOtherWorkstation)]
    [InlineData(CardState.Inserted, "ws1", "ws1", null)]
    [InlineData(CardState.Authenticated, "ws1", "ws1", null)]
    public void Where_a_card_may_authenticate(CardState state, string? insertedAt, string workstation, string? refusal) =>
        Assert.Equal(refusal, CardRules.CanAuthenticate(state, insertedAt, workstation, reportedThere: false)?.Code);

    [Fact]
    public void Settings_that_make_no_sense_are_named()
    {
        var problems = new SessionOptions { IdleWarning = TimeSpan.FromMinutes(20), MaxSessionsPerUser = 0 }.Validate().ToList();
        Assert.Contains(problems, p => p.Contains("IdleWarning"));
        Assert.Contains(problems, p => p.Contains("MaxSessionsPerUser"));
        Assert.Empty(new SessionOptions().Validate());
    }
}
