namespace Ers.LoadTests.Bench;

/// <summary>
/// <c>ers-load bench SCENARIO [generator options]</c>: starts what the scenario measures with the runners of
/// tests/Ers.Testing, runs the generator in this process, writes the report, and stops everything it started
/// (also when the run fails or is interrupted: every server and process is disposed on the way out).
/// </summary>
public static class BenchCommand
{
    public const string Usage = """
        ers-load bench journeys|scale|resilience|flood [generator options]   start, run, report, stop (scripts/bench.sh)
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var scenario = args.Count > 0 ? args[0] : "journeys";
        var rest = args.Skip(1).ToList();
        Func<BenchStage, IReadOnlyList<string>, CancellationToken, Task<int>>? run = scenario switch
        {
            "journeys" => JourneysBench.RunAsync,
            "scale" => ScaleBench.RunAsync,
            "resilience" => ResilienceBench.RunAsync,
            "flood" => FloodBench.RunAsync,
            _ => null,
        };
        if (run is null)
        {
            throw new ArgumentException("usage: scripts/bench.sh journeys|scale|resilience|flood [ers-load options]");
        }

        var stage = await BenchStage.PrepareAsync(BenchEnvironment.Read());
        return await run(stage, rest, cancellationToken);
    }
}
