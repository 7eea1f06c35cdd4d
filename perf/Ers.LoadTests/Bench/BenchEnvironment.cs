using System.Globalization;
using Ers.Testing;

namespace Ers.LoadTests.Bench;

/// <summary>
/// The harness's settings from <c>BENCH_*</c> environment variables (the names scripts/bench.sh has always taken;
/// docs/performance/README.md lists them). Options after the scenario go to the generator and win over these.
/// </summary>
public sealed record BenchEnvironment(
    string WorkDirectory,
    string OutputDirectory,
    int Users,
    string AuditDirectory,
    string? Label,
    string ErsPage,
    string BusinessFunctionPath,
    string ScaleStore,
    double ResilienceRate,
    double ResilienceDuration,
    int ResilienceHold,
    IReadOnlyList<string> Faults,
    string AuditStore,
    string LabelSuffix,
    int Runs,
    IReadOnlyList<KeyValuePair<string, string>> WebSettings)
{
    public static readonly IReadOnlyList<string> AllFaults = ["kill-silo", "redis-restart", "postgres-restart", "network-cut"];

    public static BenchEnvironment Read()
    {
        static string Get(string name, string fallback) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        static double Number(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var work = Path.GetFullPath(Get("BENCH_DIR", "/tmp/ers-bench"));
        var environment = new BenchEnvironment(
            work,
            Path.GetFullPath(Get("BENCH_OUT", RepoRoot.Combine("docs", "performance", "runs"))),
            (int)Number("BENCH_USERS", 2000),
            Path.GetFullPath(Get("BENCH_AUDIT_DIR", work)),
            Environment.GetEnvironmentVariable("BENCH_LABEL") is { Length: > 0 } label ? label : null,
            Get("BENCH_ERS_PAGE", "/home"),
            Get("BENCH_BF_PATH", "/business-function"),
            Get("BENCH_SCALE_STORE", "redis"),
            Number("BENCH_RATE", 100),
            Number("BENCH_DURATION", 50),
            (int)Number("BENCH_HOLD", 500),
            Get("BENCH_FAULTS", string.Join(' ', AllFaults)).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Get("BENCH_AUDIT_STORE", "postgres"),
            Get("BENCH_LABEL_SUFFIX", ""),
            (int)Number("BENCH_RUNS", 3),
            ParseSettings(Get("BENCH_WEB_SETTINGS", "")));
        if (environment.ScaleStore is not ("redis" or "memory"))
        {
            throw new ArgumentException("BENCH_SCALE_STORE must be redis or memory.");
        }

        if (environment.AuditStore is not ("postgres" or "file"))
        {
            throw new ArgumentException("BENCH_AUDIT_STORE must be postgres or file.");
        }

        if (environment.Faults.FirstOrDefault(f => !AllFaults.Contains(f)) is { } unknown)
        {
            throw new ArgumentException($"BENCH_FAULTS: unknown fault '{unknown}' (known: {string.Join(' ', AllFaults)}).");
        }

        return environment;
    }

    /// <summary>
    /// <c>BENCH_WEB_SETTINGS</c>: <c>Key=value</c> pairs separated by <c>;</c>, set on every Ers.Web the harness
    /// starts after its own (to compare one setting, e.g. a log level, under the same conditions).
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, string>> ParseSettings(string text) =>
        [.. text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
            pair.Split('=', 2) is [{ Length: > 0 } key, var value]
                ? new KeyValuePair<string, string>(key, value)
                : throw new ArgumentException($"BENCH_WEB_SETTINGS: '{pair}' is not Key=value."))];
}
