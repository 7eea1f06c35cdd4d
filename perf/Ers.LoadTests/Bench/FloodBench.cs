using Ers.Testing;

namespace Ers.LoadTests.Bench;

/// <summary>
/// <c>bench flood</c>: Ers.Web as the journeys scenario runs it (co-hosted silo, file audit), fresh for each of
/// <c>BENCH_RUNS</c> runs (default 3) of <see cref="FloodRun"/>; one report over all of them (<see cref="FloodReport"/>).
/// </summary>
public static class FloodBench
{
    public static async Task<int> RunAsync(BenchStage stage, IReadOnlyList<string> userArgs, CancellationToken cancellationToken)
    {
        var env = stage.Environment;
        var label = env.Label ?? "flood";
        var runs = new List<FloodResult>();
        for (var run = 1; run <= env.Runs; run++)
        {
            Console.WriteLine($"== flood run {run} of {env.Runs}");
            var audit = Path.Combine(env.AuditDirectory, "audit-flood.jsonl");
            File.Delete(audit);
            var (pagesPort, agentPort) = (FreePort.Next(), FreePort.Next());
            await using var web = await stage.StartWebAsync("ers-web", stage.CoHostedWebSettings(pagesPort, agentPort, audit), pagesPort, agentPort);
            List<string> args =
            [
                "--pki", stage.Pki, "--agent-url", web.AgentApi.ToString().TrimEnd('/'), "--users", BenchStage.Text(env.Users),
                "--watch", $"ers-web={web.Pid}", "--out", env.OutputDirectory, "--label", label, .. userArgs,
            ];
            runs.Add(await new FloodRun(FloodSettings.From(new Arguments(args), BenchStage.CommandLine("flood", args))).RunAsync(cancellationToken));
            Console.WriteLine($"audit records written by run {run}: {(File.Exists(audit) ? File.ReadLines(audit).Count() : 0)}");
        }

        var (json, markdown) = new FloodReport(label, DateTimeOffset.UtcNow, runs,
            "the generator, the flood and Ers.Web share this one machine's cores; whether anything else ran beside them shows in the load average at the end of each phase").Write(env.OutputDirectory);
        Console.WriteLine($"Report: {markdown} and {json}");
        return 0;
    }
}
