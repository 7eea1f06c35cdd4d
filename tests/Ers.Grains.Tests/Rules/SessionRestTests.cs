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
    public void A_sweepers_wake_keeps_the_heartbeat_window_the_session_rested_with_until_someone_is_heard()
    {
        var due = T0 + TimeSpan.FromSeconds(30);
        var timeout = TimeSpan.FromSeconds(30);

        Assert.Equal(T0, SessionRest.HeartbeatFromAtWake(due, timeout, heardSinceActivation: false));
        Assert.Null(SessionRest.HeartbeatFromAtWake(due, timeout, heardSinceActivation: true));
    }

    [Fact]
    public void A_stopping_silo_never_blames_the_agent()
    {
        Assert.False(SessionRest.MayDeclareAgentLost(localSiloStopping: true));
        Assert.True(SessionRest.MayDeclareAgentLost(localSiloStopping: false));
    }
}
