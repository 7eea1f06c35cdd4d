using System.Collections.Concurrent;

namespace Ers.LoadTests;

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
