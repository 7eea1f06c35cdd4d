using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ers.LoadTests;

/// <summary>
/// The flood benchmark's report over one or more runs: each run's quiet and flood login percentiles, their ratio,
/// the flood's rate and answers, and Ers.Web's CPU; the median and spread (min..max) of the runs; and the verdict
/// against issue 13's bar, flood p99 within <see cref="Bar"/> times the quiet p99 (on the median of the runs).
/// </summary>
public sealed record FloodReport(string Label, DateTimeOffset FinishedAt, IReadOnlyList<FloodResult> Runs, string? Note)
{
    public const double Bar = 1.5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public Spread QuietP99Ms => Spread.Of(Runs.Select(r => r.Quiet.Login.P99Ms));

    public Spread FloodP99Ms => Spread.Of(Runs.Select(r => r.Flood.Login.P99Ms));

    public Spread P99Ratio => Spread.Of(Runs.Select(r => r.P99Ratio));

    public Spread P95Ratio => Spread.Of(Runs.Select(r => r.P95Ratio));

    public Spread P50Ratio => Spread.Of(Runs.Select(r => r.P50Ratio));

    public Spread FloodRequestsPerSecond => Spread.Of(Runs.Select(r => r.Flood.FloodRequestsPerSecond));

    public bool WithinBar => P99Ratio.Median <= Bar;

    public (string Json, string Markdown) Write(string directory) =>
        ReportFiles.Write(directory, Label, JsonSerializer.Serialize(this, Json), ToMarkdown());

    public string ToMarkdown()
    {
        var i = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var first = Runs[0];
        var s = first.Settings;
        md.AppendLine(i, $"# Flood run `{Label}`: login latency during a flood of unauthenticated requests").AppendLine();
        md.AppendLine(i, $"- finished {FinishedAt:u}; {Runs.Count} run(s), each on a fresh Ers.Web; command of the first: `{first.Command}`");
        md.AppendLine(i, $"- machine: {first.Machine.Processors} CPUs, {first.Machine.MemoryTotal}, {first.Machine.Runtime}, {first.Machine.Os}");
        md.AppendLine(i, $"- each run: {s.WarmupSeconds} s warm-up, then {s.PhaseSeconds} s quiet and {s.PhaseSeconds} s flood, full card logins (insert, sign, authenticate, role) at **{s.Rate}/s open loop** in both, {s.Workstations} mutual-TLS workstations from 127.0.0.1");
        md.AppendLine(i, $"- the flood: `POST cards/inserted` over {s.FloodConcurrency} keep-alive connections, one request in flight on each, as fast as answers come, from a process of its own (`ers-load flood-source`) ({string.Join(" and ", s.FloodKinds)}, connections split evenly), from {s.FloodSource} (a client address of its own)");
        if (Note is not null)
        {
            md.AppendLine(i, $"- {Note}");
        }

        md.AppendLine().AppendLine(i, $"**p99 during the flood / quiet p99: median {P99Ratio.Median:F2}x (runs {P99Ratio.Min:F2}..{P99Ratio.Max:F2}); the bar is {Bar}x: {(WithinBar ? "within it" : "NOT within it")}.** Quiet p99 {QuietP99Ms.Median:F1} ms ({QuietP99Ms.Min:F1}..{QuietP99Ms.Max:F1}), flood p99 {FloodP99Ms.Median:F1} ms ({FloodP99Ms.Min:F1}..{FloodP99Ms.Max:F1}); p95 ratio {P95Ratio.Median:F2}x, p50 ratio {P50Ratio.Median:F2}x; flood {FloodRequestsPerSecond.Median:F0} req/s ({FloodRequestsPerSecond.Min:F0}..{FloodRequestsPerSecond.Max:F0}).").AppendLine();

        md.AppendLine("| run | phase | logins | logins/s | p50 ms | p95 ms | p99 ms | max ms | login errors | flood req/s | Ers.Web CPU % of a core | Ers.Web CPU ms per login | generator CPU % | flood process CPU % | load average at the end |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (var r = 0; r < Runs.Count; r++)
        {
            foreach (var p in new[] { Runs[r].Quiet, Runs[r].Flood })
            {
                md.AppendLine(i, $"| {r + 1} | {p.Name} | {p.LoginsCompleted} | {p.LoginsCompleted / p.Seconds:F1} | {p.Login.P50Ms:F1} | {p.Login.P95Ms:F1} | {p.Login.P99Ms:F1} | {p.Login.MaxMs:F1} | {p.LoginErrors.Values.Sum()} | {p.FloodRequestsPerSecond:F0} | {p.WebCpuPercentOfOneCore:F0} | {p.WebCpuMsPerLogin:F2} | {p.GeneratorCpuPercentOfOneCore:F0} | {p.FloodSourceCpuPercentOfOneCore:F0} | {p.LoadAverageAtEnd} |");
            }
        }

        md.AppendLine().AppendLine("| run | p50 ratio | p95 ratio | p99 ratio | Ers.Web CPU per flood request (us, above the logins' quiet cost) |").AppendLine("|---:|---:|---:|---:|---:|");
        for (var r = 0; r < Runs.Count; r++)
        {
            // Below zero when Ers.Web spent less during the flood than quiet (the quiet phase comes first, so the
            // rest of the warm-up counts against it): the flood's cost is then below what this can measure.
            var perRequest = Runs[r].WebCpuMicrosecondsPerFloodRequest;
            var cost = perRequest >= 0 ? perRequest.ToString("F1", i) : "below measurement (less CPU than quiet)";
            md.AppendLine(i, $"| {r + 1} | {Runs[r].P50Ratio:F2} | {Runs[r].P95Ratio:F2} | {Runs[r].P99Ratio:F2} | {cost} |");
        }

        md.AppendLine().AppendLine("How the flood's requests were answered (all runs, the flood phase including its 2 s lead-in):").AppendLine();
        md.AppendLine("| flood kind, status, problem code | requests |").AppendLine("|---|---:|");
        foreach (var (answer, count) in Runs.SelectMany(r => r.Flood.FloodAnswers).GroupBy(a => a.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(a => a.Value))).OrderByDescending(a => a.Item2))
        {
            md.AppendLine(i, $"| `{answer}` | {count} |");
        }

        var errors = Runs.SelectMany(r => r.Quiet.LoginErrors.Concat(r.Flood.LoginErrors)).GroupBy(e => e.Key, StringComparer.Ordinal).ToList();
        md.AppendLine().AppendLine("Login errors by problem `code` (all runs, both phases):").AppendLine();
        md.AppendLine(errors.Count == 0 ? "none" : string.Join("\n", errors.Select(g => $"- `{g.Key}`: {g.Sum(e => e.Value)}")));
        return md.ToString();
    }

    /// <summary>The median and the range of a measurement over the runs.</summary>
    public sealed record Spread(double Median, double Min, double Max)
    {
        public static Spread Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            if (sorted.Count == 0)
            {
                return new Spread(double.NaN, double.NaN, double.NaN);
            }

            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            return new Spread(Math.Round(median, 2), Math.Round(sorted[0], 2), Math.Round(sorted[^1], 2));
        }
    }
}
