using Ers.Audit;
using Ers.Grains.Workstations;
using Ers.Sessions;
using Ers.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// The embedded run (one silo, memory state) stopping gracefully: nothing survives it, so each live session ends
/// there with exactly one end record, <c>server-stopped</c>, and none is blamed on its agent while the silo stops.
/// Its own silo, since the test stops it.
/// </summary>
public sealed class EmbeddedStopTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(ClusterFixture.Start);
    private OwnSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await OwnSilo.StartAsync(OwnSilo.NewDirectory("stop-tests"), new Dictionary<string, string?>(), _clock);

    [Fact]
    public async Task A_graceful_stop_ends_each_live_session_once_as_server_stopped_never_agent_lost()
    {
        var client = _silo.Client;
        var user = new StaffUser(Ids.NewDigits(12), "Dr Test User", [Ids.Profile("E82665", "B1101")]);
        await client.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        var first = await new Journey(client, user).LoginOkAsync();
        var other = new StaffUser(Ids.NewDigits(12), "Dr Other User", [Ids.Profile("RYY", "B1110")]);
        await client.GetGrain<IUserGrain>(other.UserId).ImportAsync(other);
        var second = await new Journey(client, other).LoginOkAsync();

        // The silo begins to stop; heartbeats stop arriving (the web front closed first) for longer than the timeout.
        _silo.Cluster.Silos[0].SiloHost.Services.GetRequiredService<ClusterChanges>().Stopping();
        _clock.Advance(TimeSpan.FromSeconds(45));
        Assert.False(await client.GetGrain<ISessionGrain>(first).CheckHeartbeatAsync());
        Assert.True((await client.GetGrain<ISessionGrain>(first).GetAsync())!.IsLive);

        await _silo.Cluster.StopAllSilosAsync();

        foreach (var id in new[] { first, second })
        {
            var records = await _silo.Audit.QueryAsync(new AuditQuery(SessionId: id));
            var end = Assert.Single(records, r => r.Event == AuditEvent.SessionEnded);
            Assert.Equal(SessionEndReasons.Code(SessionEndReason.ServerStopped), end.Reason);
            Assert.DoesNotContain(records, r => r.Reason == "workstation.agent-lost");
        }
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
    }
}
