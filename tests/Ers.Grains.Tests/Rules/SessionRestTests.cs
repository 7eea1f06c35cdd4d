using Ers.Grains.Sessions;

namespace Ers.Grains.Tests.Rules;

public sealed class SessionRestTests
{
    private static readonly DateTimeOffset T0 = ClusterFixture.Start;

    [Theory]
    [InlineData(false, true, true, RestAction.Nothing)]
    [InlineData(false, true, false, RestAction.Nothing)]
    [InlineData(true, true, true, RestAction.Rest)]          // a silo stop in a cluster: handed over, not ended
    [InlineData(true, false, true, RestAction.Rest)]
    [InlineData(true, true, false, RestAction.EndServerStopped)] // the embedded run's memory state dies with it
    [InlineData(true, false, false, RestAction.Rest)]         // memory storage keeps it while the process runs
    public void A_live_session_leaving_memory_rests_unless_its_state_dies_with_the_process(
        bool live, bool shuttingDown, bool durable, RestAction expected) =>
        Assert.Equal(expected, SessionRest.OnDeactivate(live, shuttingDown, durable));

    [Fact]
    public void A_resting_session_is_woken_at_its_earliest_deadline()
    {
        var idle = T0 + TimeSpan.FromMinutes(10);
        var heartbeat = T0 + TimeSpan.FromSeconds(30);

        Assert.Equal(heartbeat, SessionRest.WakeAt(idle, heartbeat));
        Assert.Equal(idle, SessionRest.WakeAt(idle, idle + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_stopping_silo_never_blames_the_agent()
    {
        Assert.False(SessionRest.MayDeclareAgentLost(localSiloStopping: true));
        Assert.True(SessionRest.MayDeclareAgentLost(localSiloStopping: false));
    }
}

public sealed class SweepRulesTests
{
    [Fact]
    public void Exactly_one_active_silo_sweeps_the_lowest_address()
    {
        string[] active = ["S10.0.0.2:11111@3", "S10.0.0.1:11111@9", "S10.0.0.3:11111@1"];

        Assert.True(SweepRules.IsSweeper("S10.0.0.1:11111@9", active));
        Assert.False(SweepRules.IsSweeper("S10.0.0.2:11111@3", active));
        Assert.Single(active, silo => SweepRules.IsSweeper(silo, active));
        Assert.True(SweepRules.IsSweeper("S10.0.0.9:11111@1", [])); // alone, before its own entry is seen
    }

    [Fact]
    public void A_dead_silo_is_orphaned_at_once_an_absent_one_only_after_several_sweeps()
    {
        var active = new HashSet<string> { "a" };
        var dead = new HashSet<string> { "d" };
        var counts = new Dictionary<string, int>();
        string[] registered = ["a", "d", "gone"];

        Assert.Equal(["d"], SweepRules.Orphaned(registered, active, dead, counts, absentSweeps: 3));
        Assert.Equal(["d"], SweepRules.Orphaned(registered, active, dead, counts, absentSweeps: 3));
        Assert.Equal(["d", "gone"], SweepRules.Orphaned(registered, active, dead, counts, absentSweeps: 3));
    }

    [Fact]
    public void A_silo_that_reappears_in_membership_starts_its_absence_count_again()
    {
        var counts = new Dictionary<string, int>();
        var none = new HashSet<string>();
        string[] registered = ["late"];

        Assert.Empty(SweepRules.Orphaned(registered, none, none, counts, absentSweeps: 2));
        Assert.Empty(SweepRules.Orphaned(registered, new HashSet<string> { "late" }, none, counts, absentSweeps: 2));
        Assert.Empty(SweepRules.Orphaned(registered, none, none, counts, absentSweeps: 2));
        Assert.Equal(["late"], SweepRules.Orphaned(registered, none, none, counts, absentSweeps: 2));
    }
}
