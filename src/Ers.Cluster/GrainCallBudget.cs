namespace Ers.Cluster;

/// <summary>
/// The time that one piece of work a person waits on (an HTTP request to a web node) may spend in grain calls,
/// retries included: one deadline shared by every call the work makes, so that several calls in a row still answer
/// within it. <see cref="ClientRetryFilter"/> waits on each attempt at most for what is left, retries only while time is left, and
/// once none is fails the call at once with <see cref="StoreUnavailableException"/>, which the web answers as
/// 503 <c>service.store-unavailable</c>.
/// <para>
/// The budget is ambient: <see cref="Start"/> makes it the budget of the async flow that follows (an async method's
/// change stays with that method and what it calls). Work without one (a hosted service) gives each call its own
/// retry window instead (<see cref="ErsClusterOptions.ClientRetryWindow"/>).
/// </para>
/// </summary>
public sealed class GrainCallBudget
{
    /// <summary>
    /// The least time worth starting an attempt with: a re-sent call after a failover is placed and answered in a few
    /// milliseconds, but one with less than this left would mostly add its back-off delay to the answer.
    /// </summary>
    public static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(50);

    private static readonly AsyncLocal<GrainCallBudget?> Ambient = new();

    private readonly TimeProvider _time;
    private readonly long _startedAt;

    public GrainCallBudget(TimeProvider time, TimeSpan total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, TimeSpan.Zero);
        _time = time;
        _startedAt = time.GetTimestamp();
        Total = total;
    }

    /// <summary>The budget of the work this code runs for, or null outside any.</summary>
    public static GrainCallBudget? Current => Ambient.Value;

    /// <summary>Starts a budget of <paramref name="total"/> from now for the grain calls of the work that follows.</summary>
    public static GrainCallBudget Start(TimeProvider time, TimeSpan total)
    {
        var budget = new GrainCallBudget(time, total);
        Ambient.Value = budget;
        return budget;
    }

    /// <summary>Work started from here that nobody waits on (a background refresh) is not bounded by the caller's budget.</summary>
    public static void Leave() => Ambient.Value = null;

    public TimeSpan Total { get; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_startedAt);

    /// <summary>What is left, never negative: the longest the next attempt is waited on.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = Total - Elapsed;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>True once too little is left to start an attempt: the call fails at once instead.</summary>
    public bool IsExhausted => Remaining < MinimumAttempt;

    /// <summary>Whether a failed attempt may be sent again after <paramref name="delay"/>: only if an attempt still fits after it.</summary>
    public bool AllowsRetryAfter(TimeSpan delay) => Remaining - delay >= MinimumAttempt;
}
