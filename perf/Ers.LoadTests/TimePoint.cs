namespace Ers.LoadTests;

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
