using System.Diagnostics;
using System.Globalization;
using Ers.Cluster;
using Ers.Cluster.Benchmarks;
using Ers.Sessions;
using Ers.Testing.Silos;

// usage: Ers.Cluster.Benchmarks [failover [rounds]] [memory [sessions]] [client-failover [rounds]] [orphans [sessions]]
// (no argument: failover 5, memory 20000; client-failover and orphans (3 rounds) only when named)
var failoverRounds = Argument("failover", 5);
var sessions = Argument("memory", 20_000);
var clientRounds = args.Length == 0 ? 0 : Argument("client-failover", 5);
var orphans = args.Length == 0 ? 0 : Argument("orphans", 300);

if (clientRounds > 0)
{
    await ClientFailover.RunAsync(clientRounds);
}

if (orphans > 0)
{
    await OrphanedSessions.RunAsync(orphans, rounds: 3);
}

if (failoverRounds > 0)
{
    await MeasureFailoverAsync(failoverRounds);
}

if (sessions > 0)
{
    await MeasureMemoryAsync(sessions);
}

return 0;

int Argument(string name, int fallback)
{
    if (args.Length == 0)
    {
        return fallback;
    }

    var i = Array.IndexOf(args, name);
    return i < 0 ? 0 : i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) ? n : fallback;
}

// Kill -> first successful call on a grain that lived on the killed silo, with a client that does not retry for us.
static async Task MeasureFailoverAsync(int rounds)
{
    await using var cluster = await ErsCluster.StartAsync(silos: 3);
    var client = await cluster.ConnectClientAsync(TimeSpan.Zero);
    var management = client.GetGrain<IManagementGrain>(0);
    var results = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var clock = Stopwatch.StartNew();
        var logins = new List<LoginAttempt>();
        for (var i = 0; i < 30; i++)
        {
            logins.Add(await LoginDriver.LoginOnceAsync(client, clock, 0));
        }

        LoginAttempt? probe = null;
        SiloProcess? victim = null;
        foreach (var login in logins.Where(l => l.Succeeded))
        {
            var address = await management.GetActivationAddress(client.GetGrain<ISessionGrain>(login.SessionId));
            victim = cluster.Silos.FirstOrDefault(s => s.SiloPort == address?.Endpoint.Port);
            if (victim is not null)
            {
                probe = login;
                break;
            }
        }

        if (probe is null || victim is null)
        {
            throw new InvalidOperationException("No session found on a silo.");
        }

        var kill = Stopwatch.StartNew();
        await victim.KillAsync();
        cluster.Forget(victim);
        var failures = 0;
        SessionSnapshot? snapshot;
        while (true)
        {
            try
            {
                snapshot = await client.GetGrain<ISessionGrain>(probe.SessionId).GetAsync();
                break;
            }
            catch (Exception e) when (StoreFailures.IsUnavailable(e) && kill.Elapsed < TimeSpan.FromSeconds(60))
            {
                failures++;
                await Task.Delay(10);
            }
        }

        var seconds = kill.Elapsed.TotalSeconds;
        results.Add(seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"failover round {round}: killed {victim.Name}; session {probe.SessionId} answered {snapshot?.State}/{snapshot?.Role?.RoleProfileId} after {seconds:0.00} s ({failures} failed calls before)"));
        await cluster.AddSiloAsync();
    }

    results.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"failover after SIGKILL: median {results[results.Count / 2]:0.00} s, min {results[0]:0.00} s, max {results[^1]:0.00} s over {results.Count} rounds"));
}

// One silo; resident memory and GC heap before and after N sessions (each with its user and card grain), after GCs.
static async Task MeasureMemoryAsync(int count)
{
    await using var cluster = await ErsCluster.StartAsync(silos: 1);
    var client = await cluster.ConnectClientAsync(TimeSpan.FromSeconds(10));
    var silo = cluster.Silos[0];
    var management = client.GetGrain<IManagementGrain>(0);

    // Warm up code paths (JIT, pools, connections) so the baseline is not flattered by lazy start-up costs.
    var warm = Stopwatch.StartNew();
    for (var i = 0; i < 200; i++)
    {
        await LoginDriver.LoginOnceAsync(client, warm, i % 8);
    }

    var (rssBefore, heapBefore, activationsBefore) = await SnapshotAsync();
    var clock = Stopwatch.StartNew();
    var next = 0;
    var failed = 0;
    await Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
    {
        while (Interlocked.Increment(ref next) <= count)
        {
            if (!(await LoginDriver.LoginOnceAsync(client, clock, worker % 8)).Succeeded)
            {
                Interlocked.Increment(ref failed);
            }
        }
    }));
    var elapsed = clock.Elapsed;
    var (rssAfter, heapAfter, activationsAfter) = await SnapshotAsync();

    var created = count - failed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"memory: {created} sessions ({failed} failed) in {elapsed.TotalSeconds:0} s ({created / elapsed.TotalSeconds:0} logins/s); activations {activationsBefore} -> {activationsAfter}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"memory: silo RSS {rssBefore / 1048576.0:0.0} -> {rssAfter / 1048576.0:0.0} MiB = {(rssAfter - rssBefore) / (double)created / 1024:0.00} KiB per active session; " +
        $"GC heap {heapBefore / 1048576.0:0.0} -> {heapAfter / 1048576.0:0.0} MiB = {(heapAfter - heapBefore) / (double)created / 1024:0.00} KiB per active session"));

    async Task<(long Rss, long Heap, int Activations)> SnapshotAsync()
    {
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToArray();
        await management.ForceGarbageCollection(hosts);
        await management.ForceGarbageCollection(hosts);
        await management.ForceRuntimeStatisticsCollection(hosts);
        var stats = await management.GetRuntimeStatistics(hosts);
        return (silo.ResidentBytes(), stats.Sum(s => s.EnvironmentStatistics.RawMemoryUsageBytes), stats.Sum(s => s.ActivationCount));
    }
}
