using System.Collections.Concurrent;

namespace Ers.LoadTests;

/// <summary>The step names a journey records, in journey order (the report keeps this order).</summary>
public static class Steps
{
    public const string Insert = "insert";
    public const string Sign = "sign (client)";
    public const string Authenticate = "authenticate";
    public const string Role = "role";
    public const string Ticket = "browser-ticket";
    public const string BrowserLogin = "browser-login";
    public const string BusinessFunction = "business-function";
    public const string BaselineLogin = "baseline-login";
    public const string PageErs = "page-view ers";
    public const string PageBaseline = "page-view baseline";
    public const string Heartbeat = "heartbeat";
    public const string Removal = "removal";
    public const string Login = "login (insert..role)";
    public const string Journey = "journey";

    public static IReadOnlyList<string> Ordered { get; } =
        [Login, Insert, Sign, Authenticate, Role, Ticket, BrowserLogin, BusinessFunction, BaselineLogin, PageErs, PageBaseline, Heartbeat, Removal, Journey];
}

/// <summary>
/// Everything a run measures: a histogram per step for the whole run, a per-second interval for the time series,
/// and errors by problem <c>code</c>. Thread-safe; journeys record into it concurrently.
/// </summary>
public sealed class RunMetrics
{
    private readonly ConcurrentDictionary<string, LatencyHistogram> _total = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private Interval _interval = new();
    private long _loginsStarted;
    private long _loginsCompleted;
    private long _journeysCompleted;
    private long _journeysFailed;

    public long LoginsStarted => Interlocked.Read(ref _loginsStarted);
    public long LoginsCompleted => Interlocked.Read(ref _loginsCompleted);
    public long JourneysCompleted => Interlocked.Read(ref _journeysCompleted);
    public long JourneysFailed => Interlocked.Read(ref _journeysFailed);
    public IReadOnlyDictionary<string, long> Errors => _errors;

    public LatencyHistogram Total(string step) => _total.GetOrAdd(step, _ => new LatencyHistogram());

    public void Record(string step, long startTimestamp)
    {
        var us = (long)System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
        Total(step).Record(us);
        Volatile.Read(ref _interval).Histogram(step).Record(us);
    }

    public void LoginStarted() => Interlocked.Increment(ref _loginsStarted);

    public void LoginCompleted() => Interlocked.Increment(ref _loginsCompleted);

    public void JourneyCompleted() => Interlocked.Increment(ref _journeysCompleted);

    public void JourneyFailed() => Interlocked.Increment(ref _journeysFailed);

    public void Error(string code)
    {
        _errors.AddOrUpdate(code, 1, (_, n) => n + 1);
        Interlocked.Increment(ref Volatile.Read(ref _interval).ErrorCount);
    }

    /// <summary>Hands back the interval since the last call and starts a new one (the per-second tick).</summary>
    public Interval Rotate() => Interlocked.Exchange(ref _interval, new Interval());

    public sealed class Interval
    {
        private readonly ConcurrentDictionary<string, LatencyHistogram> _steps = new(StringComparer.Ordinal);
        public long ErrorCount;

        public LatencyHistogram Histogram(string step) => _steps.GetOrAdd(step, _ => new LatencyHistogram());

        public LatencyHistogram? Find(string step) => _steps.TryGetValue(step, out var h) ? h : null;
    }
}

/// <summary>One second of a run, as the plot and the JSON report show it.</summary>
public sealed record TimePoint(
    double Second,
    string Phase,
    double TargetRate,
    long Logins,
    double LoginP50Ms,
    double LoginP99Ms,
    long PageViewsErs,
    double PageErsP99Ms,
    long PageViewsBaseline,
    double PageBaselineP99Ms,
    long Errors,
    long InFlight,
    IReadOnlyDictionary<string, ProcessSample> Processes);
