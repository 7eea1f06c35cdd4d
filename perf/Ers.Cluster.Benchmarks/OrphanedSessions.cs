using System.Diagnostics;
using System.Globalization;
using Ers.Sessions;
using Ers.Testing.Silos;

namespace Ers.Cluster.Benchmarks;

/// <summary>
/// A power cut at a surgery (issue 14): sessions whose agents are gone (no heartbeat ever comes) and whose silo is
/// SIGKILLed. Nobody calls them again; the deadline index (src/Ers.Cluster/Sessions/SessionSweeper.cs) must end and
/// audit each one. Reported: the time from each session's heartbeat deadline to its <c>SessionEnded</c> record in
/// PostgreSQL. The deadline is counted from the moment the cluster declares the silo dead: that cluster change restarts
/// every session's heartbeat grace (src/Ers.Grains/Sessions/SessionGrain.cs, HeartbeatDeadlineFrom), so that a
/// restart is never booked as the agents' fault; the time to that declaration is reported on its own.
/// </summary>
internal static class OrphanedSessions
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(int count, int rounds)
    {
        var lateness = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            lateness.AddRange(await RoundAsync(count, round));
        }

        lateness.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orphaned sessions ({rounds} rounds, {lateness.Count} sessions): heartbeat deadline to audited end p50 {lateness[lateness.Count / 2]:0.00} s, " +
            $"min {lateness[0]:0.00} s, max {lateness[^1]:0.00} s"));
    }

    private static async Task<List<double>> RoundAsync(int count, int round)
    {
        var settings = new Dictionary<string, string>
        {
            ["Ers:Sessions:HeartbeatTimeout"] = HeartbeatTimeout.ToString("c", CultureInfo.InvariantCulture),
            // The sweeper's "woke N sessions" lines (UTC times) show when the orphans were picked up.
            ["Logging:LogLevel:Ers.Cluster.Sessions"] = "Information",
            // Orleans' warnings about the dead silo would push those lines out of the kept output.
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        await using var cluster = await ErsCluster.StartAsync(silos: 3, settings);
        var client = await cluster.ConnectClientAsync(retryWindow: null);
        var management = client.GetGrain<IManagementGrain>(0);
        var clock = Stopwatch.StartNew();
        var sessions = new List<(string SessionId, int Port)>();
        var failed = 0;
        // Eight at a time: all of them logged in well inside one heartbeat timeout, so none ends before the kill.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var login = await LoginDriver.SetUpLoginAsync(client, clock, i % 8);
            if (!login.Succeeded)
            {
                Interlocked.Increment(ref failed);
                return;
            }

            var address = await management.GetActivationAddress(client.GetGrain<ISessionGrain>(login.SessionId));
            lock (sessions)
            {
                sessions.Add((login.SessionId, address?.Endpoint.Port ?? 0));
            }
        });
        var loggedIn = clock.Elapsed;

        var victim = cluster.Silos.MaxBy(s => sessions.Count(x => x.Port == s.SiloPort))!;
        var orphans = sessions.Where(s => s.Port == victim.SiloPort).ToList();
        var killedAt = DateTimeOffset.UtcNow;
        await victim.KillAsync();
        cluster.Forget(victim);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orphans round {round}: {sessions.Count} sessions in {loggedIn.TotalSeconds:0.0} s ({failed} logins failed), no heartbeats; SIGKILL of {victim.Name}, which held {orphans.Count}"));

        // When the survivors' membership declares the victim dead: the cluster change the grace is counted from.
        DateTimeOffset? declaredDead = null;
        while (declaredDead is null && DateTimeOffset.UtcNow - killedAt < TimeSpan.FromMinutes(2))
        {
            // The management grain may itself have lived on the victim: asked again until it answers.
            var hosts = await HostsAsync(management);
            if (hosts?.Any(h => h.Key.Endpoint.Port == victim.SiloPort && h.Value == SiloStatus.Dead) == true)
            {
                declaredDead = DateTimeOffset.UtcNow;
            }
            else
            {
                await Task.Delay(100);
            }
        }

        var wanted = orphans.Select(o => o.SessionId).ToList();
        List<AuditedSessionEnd> audited;
        try
        {
            audited = await cluster.WaitForSessionEndsAsync(wanted, HeartbeatTimeout + TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(500));
        }
        catch (TimeoutException)
        {
            // Not all of them ended in time: the round reports those that did.
            audited = await cluster.SessionEndsAsync(wanted);
        }

        var ends = audited.GroupBy(e => e.SessionId).ToDictionary(g => g.Key, g => g.First().Time);

        var deadline = (declaredDead ?? killedAt) + HeartbeatTimeout;
        var late = orphans.Where(o => ends.ContainsKey(o.SessionId)).Select(o => (ends[o.SessionId] - deadline).TotalSeconds).Order().ToList();
        var early = late.Count(l => l < 0);
        var survivors = sessions.Where(s => s.Port != victim.SiloPort).Select(s => s.SessionId).ToHashSet();
        var endedOthers = (await cluster.SessionEndsAsync()).Count(e => survivors.Contains(e.SessionId));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orphans round {round}: silo declared dead {((declaredDead ?? killedAt) - killedAt).TotalSeconds:0.0} s after the kill; {ends.Count} of {orphans.Count} audited as ended; " +
            $"from deadline (declared dead + {HeartbeatTimeout.TotalSeconds:0} s) to the end record: " +
            $"p50 {(late.Count == 0 ? double.NaN : late[late.Count / 2]):0.00} s, min {(late.Count == 0 ? double.NaN : late[0]):0.00} s, max {(late.Count == 0 ? double.NaN : late[^1]):0.00} s; " +
            $"{early} before the deadline; sessions of the live silos ended meanwhile (their own heartbeat deadlines): {endedOthers}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"orphans round {round}: killed at {killedAt:HH:mm:ss.fff}, ends recorded {(ends.Count == 0 ? "-" : $"{ends.Values.Min():HH:mm:ss.fff}..{ends.Values.Max():HH:mm:ss.fff}")} UTC; the sweepers said:"));
        foreach (var line in cluster.Silos.SelectMany(s => s.Output.Split('\n')).Where(l => l.Contains("Woke", StringComparison.Ordinal) || l.Contains("Ers.Cluster.Sessions", StringComparison.Ordinal)))
        {
            Console.WriteLine("  " + line.Trim());
        }

        return late;
    }

    private static async Task<Dictionary<SiloAddress, SiloStatus>?> HostsAsync(IManagementGrain management)
    {
        try
        {
            return await management.GetHosts(onlyActive: false);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            return null;
        }
    }
}
