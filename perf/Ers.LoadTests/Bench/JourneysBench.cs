using Ers.Testing;
using Ers.Testing.Processes;
using Ers.Testing.Servers;

namespace Ers.LoadTests.Bench;

/// <summary>
/// <c>bench journeys</c>: Ers.Web as the local run hosts it (co-hosted silo, in-memory state, file audit) beside the
/// Redis-session baseline (perf/Ers.Baseline) and its redis-server, full card journeys, then the page-view phase.
/// </summary>
public static class JourneysBench
{
    public static async Task<int> RunAsync(BenchStage stage, IReadOnlyList<string> userArgs, CancellationToken cancellationToken)
    {
        var env = stage.Environment;
        // A session cache as it is usually run: no persistence.
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = false });
        var baselinePort = FreePort.Next();
        // HTTPS with the same server certificate as Ers, so both pay the same TLS cost per page view.
        await using var baseline = await BenchStage.StartHealthyAsync(HostProcess.StartDotnet("baseline", BuildOutput.Of("perf/Ers.Baseline", "Ers.Baseline.dll"),
            new Uri($"https://127.0.0.1:{baselinePort}"), new Dictionary<string, string>
            {
                ["Kestrel__Endpoints__Main__Url"] = $"https://127.0.0.1:{baselinePort}",
                ["Kestrel__Endpoints__Main__Certificate__Path"] = Ers.Tools.Pki.DevPki.CertificatePath(stage.Pki, Ers.Tools.Pki.DevPki.ServerName),
                ["Kestrel__Endpoints__Main__Certificate__KeyPath"] = Ers.Tools.Pki.DevPki.KeyPath(stage.Pki, Ers.Tools.Pki.DevPki.ServerName),
                ["ConnectionStrings__Redis"] = redis.ConnectionString,
            }).TrustForProbes(stage.ServerCa), "");

        var audit = Path.Combine(env.AuditDirectory, "audit.jsonl");
        File.Delete(audit);
        var (pagesPort, agentPort) = (FreePort.Next(), FreePort.Next());
        await using var web = await stage.StartWebAsync("ers-web", stage.CoHostedWebSettings(pagesPort, agentPort, audit), pagesPort, agentPort);

        var label = env.Label ?? "journeys";
        List<string> args =
        [
            "--pki", stage.Pki, "--agent-url", web.AgentApi.ToString().TrimEnd('/'), "--ers-url", web.Pages.ToString().TrimEnd('/'),
            "--baseline-url", $"https://127.0.0.1:{baselinePort}", "--users", BenchStage.Text(env.Users),
            "--ers-page", env.ErsPage, "--business-function-path", env.BusinessFunctionPath,
            "--watch", $"ers-web={web.Pid},baseline={baseline.Pid},redis={redis.Pid}",
            "--out", env.OutputDirectory, "--label", label, .. userArgs,
        ];
        var run = new JourneyRun(JourneySettings.From(new Arguments(args), BenchStage.CommandLine("journeys", args)));
        var exit = await run.RunAsync(cancellationToken);
        await stage.WriteMachineFileAsync(label, $"audit records written: {(File.Exists(audit) ? File.ReadLines(audit).Count() : 0)}");
        await BenchStage.PlotAsync(Path.Combine(env.OutputDirectory, label + ".json"));
        return exit;
    }
}
