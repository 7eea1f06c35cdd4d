using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ers.LoadTests;

/// <summary>The journeys run's report: what the JSON holds and what the Markdown shows.</summary>
public sealed record RunReport(
    string Label,
    string Command,
    DateTimeOffset FinishedAt,
    MachineInfo Machine,
    JourneySettings Settings,
    double SustainedLoginsPerSecond,
    double SteadyStateSeconds,
    long LoginsCompleted,
    long JourneysCompleted,
    long JourneysFailed,
    IReadOnlyDictionary<string, LatencySummary> Steps,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyList<PageViewSlice> PageViewSlices,
    PageViewComparison? PageViews,
    IReadOnlyDictionary<string, ProcessUsage> Processes,
    ResilienceResult? Resilience,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> CpuByThread,
    IReadOnlyList<TimePoint> Series)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static RunReport Build(JourneySettings settings, RunMetrics metrics, IReadOnlyList<TimePoint> series,
        IReadOnlyList<PageViewSlice> slices, IReadOnlyDictionary<string, ProcessUsage> processes, double journeyPhaseEnd,
        ResilienceResult? resilience, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> cpuByThread)
    {
        // Sustained: the seconds after the ramp and before the journeys phase ended (open loop), or all of it (closed).
        var from = settings.Mode == "open" ? settings.RampSeconds + 1 : 2;
        var steady = series.Where(p => p.Second > from && p.Second <= Math.Min(journeyPhaseEnd, settings.DurationSeconds)).ToList();
        var sustained = steady.Count == 0 ? 0 : steady.Average(p => (double)p.Logins);
        var steps = global::Ers.LoadTests.Steps.Ordered
            .Select(s => (s, h: metrics.Total(s)))
            .Where(x => x.h.Count > 0)
            .ToDictionary(x => x.s, x => x.h.Summarise(), StringComparer.Ordinal);
        return new RunReport(settings.Label, settings.Command, DateTimeOffset.UtcNow, MachineInfo.Read(), settings,
            Math.Round(sustained, 1), steady.Count, metrics.LoginsCompleted, metrics.JourneysCompleted, metrics.JourneysFailed,
            steps, metrics.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal), slices,
            PageViewComparison.From(slices), processes, resilience, cpuByThread, series);
    }

    public (string Json, string Markdown) Write(string directory, string label) =>
        ReportFiles.Write(directory, label, JsonSerializer.Serialize(this, Json), ToMarkdown());

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        md.AppendLine(i, $"# Load run `{Label}`").AppendLine();
        md.AppendLine(i, $"- finished {FinishedAt:u}; command: `{Command}`");
        md.AppendLine(i, $"- machine: {Machine.Processors} CPUs, {Machine.MemoryTotal}, {Machine.Runtime}, {Machine.Os}; load average at the end {Machine.LoadAverageAtStart}");
        var mode = Settings.Mode == "open"
            ? $"target {Settings.Rate} logins/s after a {Settings.RampSeconds} s ramp, {Settings.DurationSeconds} s in all"
            : $"{Settings.Concurrency} concurrent journeys for {Settings.DurationSeconds} s";
        md.AppendLine(i, $"- mode {Settings.Mode}: {mode}");
        md.AppendLine(i, $"- {Settings.Users} cards (ECDSA P-256), {Settings.Workstations} workstations (mutual TLS), {Settings.PageViews} page views and {Settings.Heartbeats} heartbeats per journey");
        md.AppendLine().AppendLine(i, $"**Sustained: {SustainedLoginsPerSecond:F1} full card logins/s** (mean over {SteadyStateSeconds} steady seconds); {LoginsCompleted} logins, {JourneysCompleted} complete journeys, {JourneysFailed} failed.").AppendLine();
        md.AppendLine("| step | count | mean ms | p50 | p95 | p99 | p99.9 | max |").AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (step, s) in Steps)
        {
            md.AppendLine(i, $"| {step} | {s.Count} | {s.MeanMs:F2} | {s.P50Ms:F2} | {s.P95Ms:F2} | {s.P99Ms:F2} | {s.P999Ms:F2} | {s.MaxMs:F1} |");
        }

        md.AppendLine().AppendLine("Errors by problem `code`:").AppendLine();
        if (Errors.Count == 0)
        {
            md.AppendLine("none").AppendLine();
        }
        else
        {
            md.AppendLine("| code | count |").AppendLine("|---|---:|");
            foreach (var (code, count) in Errors.OrderByDescending(e => e.Value))
            {
                md.AppendLine(i, $"| `{code}` | {count} |");
            }

            md.AppendLine();
        }

        if (PageViews is { } pv)
        {
            md.AppendLine("Page-view check, Ers vs the Redis-session baseline (alternating slices, same connections):").AppendLine();
            md.AppendLine("| slice | target | req/s | p50 ms | p99 ms | max ms | errors |").AppendLine("|---:|---|---:|---:|---:|---:|---:|");
            foreach (var s in PageViewSlices)
            {
                md.AppendLine(i, $"| {s.Slice} | {s.Target} | {s.RequestsPerSecond:F0} | {s.P50Ms:F2} | {s.P99Ms:F2} | {s.MaxMs:F1} | {s.Errors} |");
            }

            md.AppendLine().AppendLine(i, $"**Ers/baseline: {pv.ThroughputRatio:F2}x req/s (median {pv.ErsMedianRps:F0} vs {pv.BaselineMedianRps:F0}), p99 {pv.ErsMedianP99Ms:F2} vs {pv.BaselineMedianP99Ms:F2} ms (ratio {pv.P99Ratio:F2}).**").AppendLine();
        }

        if (Resilience is { } r)
        {
            md.AppendLine("Resilience:").AppendLine();
            md.AppendLine(i, $"- fault at {r.FaultAt:F1} s: `{r.Fault}`; recovery command at {r.RecoverAt:F1} s: `{r.Recover}`");
            md.AppendLine(i, $"- **held sessions lost: {r.LostSessions} of {r.HeldSessions}**{(r.LostByCode.Count > 0 ? " (" + string.Join(", ", r.LostByCode.Select(kv => $"`{kv.Key}` {kv.Value}")) + ")" : "")}");
            md.AppendLine(i, $"- failed requests after the fault: {r.FailedLoginsAfterFault}; recovery (fault to the first 3 s without error, at >= 80 % of the target rate, login p99 within 2x its pre-fault median): {(r.RecoverySeconds is { } s ? $"{s:F1} s" : "not reached in the run")}").AppendLine();
        }

        md.AppendLine("Processes (CPU is % of one core, averaged over the run; RSS from /proc):").AppendLine();
        md.AppendLine("| process | pid | avg CPU % | CPU s | max RSS MB | last RSS MB |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, p) in Processes)
        {
            md.AppendLine(i, $"| {name} | {p.Pid} | {p.AvgCpuPercentOfOneCore:F1} | {p.CpuSeconds:F1} | {p.MaxRssMb:F1} | {p.LastRssMb:F1} |");
        }

        md.AppendLine().AppendLine("CPU seconds by thread (from /proc/PID/task; where each process's time went):").AppendLine();
        foreach (var (name, groups) in CpuByThread)
        {
            var top = string.Join(", ", groups.Take(8).Select(g => string.Create(i, $"{g.Key} {g.Value:F1} s")));
            md.AppendLine(i, $"- {name}: {top}");
        }

        return md.ToString();
    }
}
