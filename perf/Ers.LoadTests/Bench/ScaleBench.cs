using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Processes;
using Ers.Testing.Servers;

namespace Ers.LoadTests.Bench;

/// <summary>
/// <c>bench scale</c>: the measured silo (<c>ers-load silo</c>: Ers.Cluster's silo plus <c>/perf/memory</c>) with its
/// grain state in Redis (<c>BENCH_SCALE_STORE=redis</c>, the default) or in its own memory, Ers.Web as its client,
/// and 10k, 100k, 1M held sessions.
/// </summary>
public static class ScaleBench
{
    public static async Task<int> RunAsync(BenchStage stage, IReadOnlyList<string> userArgs, CancellationToken cancellationToken)
    {
        var env = stage.Environment;
        var audit = Path.Combine(env.AuditDirectory, "audit-silo.jsonl");
        File.Delete(audit);
        // Grain state as production keeps it: in Redis, so the silo's heap holds the live grains only; with `memory`
        // the silo's in-memory storage also keeps a serialized copy of every state.
        await using var redis = env.ScaleStore == "redis" ? await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = false }) : null;
        var store = new ErsSettings();
        if (redis is not null)
        {
            store.RedisCluster(redis.ConnectionString, "bench-scale", serviceId: "ers");
        }

        var (siloPort, gatewayPort, siloHttp) = (FreePort.NextText(), FreePort.NextText(), FreePort.Next());
        // Held sessions must outlive the run: no agent heartbeats them, so the heartbeat and idle timeouts are set
        // longer than the run.
        var siloSettings = new ErsSettings
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Urls"] = $"http://127.0.0.1:{siloHttp}",
            ["Ers:Cluster:SiloPort"] = siloPort,
            ["Ers:Cluster:GatewayPort"] = gatewayPort,
            ["Ers:Directory:SeedFile"] = stage.DirectoryFile,
            ["Ers:Sessions:HeartbeatTimeout"] = "04:00:00",
            ["Ers:Sessions:IdleTimeout"] = "04:00:00",
            ["Ers:Sessions:IdleWarning"] = "00:02:00",
            ["DOTNET_gcServer"] = "1",
        }.FileAudit(audit).Set(store);
        await using var silo = await BenchStage.StartHealthyAsync(HostProcess.StartDotnet("measured-silo", BenchStage.LoadGenerator,
            AppContext.BaseDirectory, ["silo"], siloSettings.ToEnvironment().ToDictionary(e => e.Key, e => (string?)e.Value),
            new Uri($"http://127.0.0.1:{siloHttp}")), "ready");

        var (pagesPort, agentPort) = (FreePort.Next(), FreePort.Next());
        var webSettings = (redis is null ? stage.WebSettings(pagesPort, agentPort).Set("Ers:Web:CoHostSilo", "false") : stage.ClusterWebSettings(pagesPort, agentPort))
            .Set("Ers:Cluster:SiloPort", siloPort).Set("Ers:Cluster:GatewayPort", gatewayPort)
            .Set(store);
        await using var web = await stage.StartWebAsync("ers-web", webSettings, pagesPort, agentPort, probe: "live");

        var label = env.Label ?? "scale";
        // Before any held session (the imported directory's users are already there): the baseline to subtract.
        var redisBefore = redis is null ? null : await RedisMemoryAsync(redis);
        List<string> args =
        [
            "--pki", stage.Pki, "--agent-url", web.AgentApi.ToString().TrimEnd('/'), "--silo-url", $"http://127.0.0.1:{siloHttp}",
            "--silo-pid", BenchStage.Text(silo.Pid), "--gateway-port", gatewayPort, "--users", BenchStage.Text(env.Users),
            "--out", env.OutputDirectory, "--label", label,
            // The generator's own Orleans client, like Ers.Web, finds the silo through Redis membership.
            .. redis is null ? [] : new[] { "--redis", redis.ConnectionString, "--cluster-id", "bench-scale" },
            .. userArgs,
        ];
        var exit = await new ScaleRun(ScaleSettings.From(new Arguments(args), BenchStage.CommandLine("scale", args))).RunAsync(cancellationToken);
        List<string> lines = [$"grain storage: {env.ScaleStore}"];
        if (redis is not null)
        {
            // Redis's share of the held sessions (the grain states), apart from the silo's heap measured by the run.
            lines.AddRange(["redis (grain state) before the first level:", redisBefore!, "redis (grain state) after the last level:", await RedisMemoryAsync(redis)]);
        }

        await stage.WriteMachineFileAsync(label, [.. lines]);
        return exit;
    }

    private static async Task<string> RedisMemoryAsync(RedisServer redis)
    {
        var memory = (await redis.InfoAsync("memory")).Split('\n')
            .Where(l => l.StartsWith("used_memory:", StringComparison.Ordinal) || l.StartsWith("used_memory_dataset:", StringComparison.Ordinal));
        var keyspace = (await redis.InfoAsync("keyspace")).Split('\n').Where(l => l.StartsWith("db", StringComparison.Ordinal)).ToList();
        return string.Join('\n', memory.Concat(keyspace.Count > 0 ? keyspace : ["db0: no keys"]));
    }
}
