namespace Ers.LoadTests;

/// <summary>Settings of <c>ers-load journeys</c> (see <see cref="Usage"/>).</summary>
public sealed record JourneySettings(
    string PkiDirectory,
    Uri AgentApi,
    Uri? ErsPages,
    string ErsPagePath,
    string? BusinessFunctionPath,
    Uri? Baseline,
    int Users,
    int Workstations,
    string Mode,
    double Rate,
    double RampSeconds,
    double DurationSeconds,
    int Concurrency,
    int PageViews,
    int Heartbeats,
    int PageViewSessions,
    int PageViewConcurrency,
    double PageViewSliceSeconds,
    int PageViewSlices,
    IReadOnlyList<KeyValuePair<string, int>> Processes,
    string OutputDirectory,
    string Label,
    string Command,
    int Hold = 0,
    double FaultAt = 0,
    string? Fault = null,
    double RecoverAt = 0,
    string? Recover = null)
{
    public const string Usage = """
        ers-load journeys --pki DIR --agent-url https://127.0.0.1:5443 [options]
          --mode open|closed        open: arrivals at --rate logins/s after a linear --ramp; closed: --concurrency loops
          --rate N --ramp S --duration S --concurrency N
          --users N --workstations N --page-views N --heartbeats N
          --ers-url URL --ers-page PATH [--business-function-path PATH]   Ers browser pages (node-local session check)
          --baseline-url URL         the Redis-session baseline app (perf/Ers.Baseline)
          --pv-sessions N --pv-concurrency N --pv-slice S --pv-slices N   page-view phase, Ers and baseline alternating
          --watch name=pid,...       processes whose CPU and RSS are sampled from /proc
          --out DIR --label TEXT
          --hold N                   resilience: N sessions logged in first, kept alive by heartbeats, checked at the end
          --fault-at S --fault CMD   resilience: run shell command CMD S seconds into the run (e.g. kill -9 PID)
          --recover-at S --recover CMD   resilience: and CMD at S (e.g. restart the store)
        """;

    public static JourneySettings From(Arguments a, string command)
    {
        var settings = new JourneySettings(
            a.Required("pki"),
            new Uri(a.String("agent-url", "https://127.0.0.1:5443")),
            // An empty value switches a part off (the harness passes both; `--ers-url ""` after it wins).
            a.Optional("ers-url") is { Length: > 0 } ers ? new Uri(ers) : null,
            a.String("ers-page", "/"),
            a.Optional("business-function-path"),
            a.Optional("baseline-url") is { Length: > 0 } bl ? new Uri(bl) : null,
            a.Int("users", 2000),
            a.Int("workstations", 64),
            a.String("mode", "open"),
            a.Double("rate", 200),
            a.Double("ramp", 10),
            a.Double("duration", 60),
            a.Int("concurrency", 32),
            a.Int("page-views", 4),
            a.Int("heartbeats", 2),
            a.Int("pv-sessions", 1000),
            a.Int("pv-concurrency", 64),
            a.Double("pv-slice", 5),
            a.Int("pv-slices", 6),
            a.Processes("watch"),
            a.String("out", "artifacts/perf"),
            a.String("label", "journeys"),
            command,
            a.Int("hold", 0),
            a.Double("fault-at", 0),
            a.Optional("fault"),
            a.Double("recover-at", 0),
            a.Optional("recover"));
        a.ThrowIfUnknown();
        return settings.Mode is "open" or "closed" ? settings : throw new ArgumentException("--mode must be open or closed.");
    }
}
