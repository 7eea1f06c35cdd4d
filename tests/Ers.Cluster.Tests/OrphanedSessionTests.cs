using System.Diagnostics;
using Ers.Sessions;
using Ers.Testing;
using Ers.Testing.Silos;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Ers.Cluster.Tests;

/// <summary>
/// No orphaned session (issue 14): a session whose grain is gone and that nobody calls still ends at its deadline,
/// with exactly one end record; a silo stop or a whole-cluster restart with the agent alive ends nothing and blames
/// no agent. Real silo processes, Redis and PostgreSQL.
/// </summary>
public sealed class OrphanedSessionTests(OrphanedSessionFixture fixture, ITestOutputHelper output) : IClassFixture<OrphanedSessionFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private ErsCluster Cluster => fixture.Cluster;

    private TimeSpan Timeout => OrphanedSessionFixture.HeartbeatTimeout;

    [Fact]
    public async Task A_session_whose_silo_is_killed_and_whose_agent_is_gone_ends_at_its_deadline_with_one_audited_end()
    {
        await fixture.EnsureSilosAsync();
        await using var agent = new Agent(fixture.Client);
        await LoginAsync(12, agent);
        var (victim, hosted) = await SiloHostingSomeAsync(agent.Sessions);

        // The agent (heartbeats) and the silo go together, as in a power cut at the surgery.
        await agent.StopAsync();
        var lastHeartbeat = DateTimeOffset.UtcNow;
        await victim.KillAsync();
        Cluster.Forget(victim);
        Assert.Empty(await EndsAsync(hosted)); // live at the kill: no timer of theirs could have ended them

        // Nobody calls these sessions again: only the deadline index can end them.
        var ends = await WaitForEndsAsync(hosted);
        Assert.All(hosted, id => Assert.Single(ends, e => e.SessionId == id));
        Assert.All(ends, e => Assert.Equal("agent-lost", e.Reason));
        var deadline = lastHeartbeat + Timeout;
        var late = ends.Select(e => (e.Time - deadline).TotalSeconds).Order().ToList();
        output.WriteLine($"SIGKILL of {victim.Name} with {hosted.Count} sessions, agent gone: deadline to audited end " +
            $"median {late[late.Count / 2]:0.00} s, max {late[^1]:0.00} s (timeout {Timeout.TotalSeconds:0} s)");

        await fixture.EnsureSilosAsync();
    }

    [Fact]
    public async Task A_SIGTERMed_silo_hands_its_sessions_over_and_a_live_agent_keeps_them_without_an_end_record()
    {
        await fixture.EnsureSilosAsync();
        await using var agent = new Agent(fixture.Client);
        await LoginAsync(12, agent);
        var (leaving, hosted) = await SiloHostingSomeAsync(agent.Sessions);

        var stopping = Stopwatch.StartNew();
        await leaving.StopAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"SIGTERM of {leaving.Name} with {hosted.Count} sessions: exited after {stopping.Elapsed.TotalSeconds:0.0} s");
        Cluster.Forget(leaving);

        // Two heartbeat timeouts after the stop, every session is still live, on another silo, and none has an end.
        await agent.OutlastAsync(2 * Timeout);
        Assert.Empty(await EndsAsync(agent.Sessions));
        foreach (var id in agent.Sessions)
        {
            Assert.True((await fixture.Client.GetGrain<ISessionGrain>(id).GetAsync())?.IsLive, $"session {id} was lost");
        }

        await fixture.EnsureSilosAsync();
    }

    [Fact]
    public async Task A_whole_cluster_restart_keeps_sessions_whose_agent_lives_and_ends_the_others_once_as_agent_lost()
    {
        await fixture.EnsureSilosAsync();
        await using var agent = new Agent(fixture.Client);
        await using var goneAgent = new Agent(fixture.Client);
        var kept = await LoginAsync(8, agent);
        var abandoned = await LoginAsync(8, goneAgent);
        var sessions = kept.Concat(abandoned).ToList();

        // The agents of half the sessions stop as the cluster stops; every silo is stopped gracefully (SIGTERM).
        await goneAgent.StopAsync();
        var stopping = Stopwatch.StartNew();
        await Task.WhenAll(Cluster.Silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(30))));
        output.WriteLine($"SIGTERM of all {Cluster.Silos.Count} silos: all exited after {stopping.Elapsed.TotalSeconds:0.0} s");
        foreach (var silo in Cluster.Silos.ToList())
        {
            Cluster.Forget(silo);
        }

        // Handed over, not ended: with no silo left, every session rests in Redis with its deadline.
        Assert.Empty(await EndsAsync(sessions));
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(Cluster.Redis.ConnectionString))
        {
            var resting = (await redis.GetDatabase().SortedSetRangeByScoreAsync("ers-sessions:ers-test:at-rest")).Select(v => v.ToString()).ToHashSet();
            Assert.Empty(sessions.Except(resting));
        }

        await fixture.EnsureSilosAsync();
        var ends = await WaitForEndsAsync(abandoned);
        await agent.OutlastAsync(2 * Timeout);

        var all = await EndsAsync(sessions);
        Assert.DoesNotContain(all, e => kept.Contains(e.SessionId));
        Assert.All(abandoned, id => Assert.Single(all, e => e.SessionId == id));
        Assert.All(ends, e => Assert.Equal("agent-lost", e.Reason));
        foreach (var id in kept)
        {
            Assert.True((await fixture.Client.GetGrain<ISessionGrain>(id).GetAsync())?.IsLive, $"session {id} was lost");
        }
    }

    /// <summary>Logs in <paramref name="count"/> sessions, each heartbeated by <paramref name="agent"/> from its start.</summary>
    private async Task<List<string>> LoginAsync(int count, Agent agent)
    {
        var clock = Stopwatch.StartNew();
        var sessions = new List<string>();
        while (sessions.Count < count)
        {
            var login = await LoginDriver.SetUpLoginAsync(fixture.Client, clock);
            Assert.True(login.Succeeded, $"login failed: {login.Error?.Message}{login.RefusalCode}");
            await fixture.Client.GetGrain<ISessionGrain>(login.SessionId).HeartbeatAsync();
            agent.Add(login.SessionId);
            sessions.Add(login.SessionId);
        }

        return sessions;
    }

    private async Task<(SiloProcess Silo, List<string> Hosted)> SiloHostingSomeAsync(IReadOnlyList<string> sessions)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var bySilo = new Dictionary<int, List<string>>();
        foreach (var id in sessions)
        {
            var address = await management.GetActivationAddress(fixture.Client.GetGrain<ISessionGrain>(id));
            if (address is not null)
            {
                (bySilo.TryGetValue(address.Endpoint.Port, out var list) ? list : bySilo[address.Endpoint.Port] = []).Add(id);
            }
        }

        var (port, hosted) = bySilo.MaxBy(p => p.Value.Count);
        return (Cluster.Silos.Single(s => s.SiloPort == port), hosted);
    }

    private Task<List<AuditedSessionEnd>> WaitForEndsAsync(IReadOnlyCollection<string> sessions) => Cluster.WaitForSessionEndsAsync(sessions, Bound);

    private Task<List<AuditedSessionEnd>> EndsAsync(IReadOnlyCollection<string> sessions) => Cluster.SessionEndsAsync(sessions);

    /// <summary>An agent that heartbeats its sessions every second (a third of the timeout's share), errors ignored.</summary>
    private sealed class Agent : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Stopwatch _since = Stopwatch.StartNew();

        private readonly List<string> _sessions = [];

        public Agent(IClusterClient client)
        {
            _loop = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                do
                {
                    await Task.WhenAll(Sessions.Select(async id =>
                    {
                        try
                        {
                            await client.GetGrain<ISessionGrain>(id).HeartbeatAsync();
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            // The cluster is down or failing over: a real agent tries again next period too.
                        }
                    }));
                }
                while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result));
            });
        }

        public IReadOnlyList<string> Sessions
        {
            get
            {
                lock (_sessions)
                {
                    return [.. _sessions];
                }
            }
        }

        public void Add(string sessionId)
        {
            lock (_sessions)
            {
                _sessions.Add(sessionId);
            }
        }

        /// <summary>Waits, heartbeating, until <paramref name="span"/> has passed from now: long enough for a lost one to end.</summary>
        public Task OutlastAsync(TimeSpan span)
        {
            var until = _since.Elapsed + span;
            return Eventually.TrueAsync(() => _since.Elapsed >= until, "the heartbeat timeout to pass", span + Bound);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }
    }
}
