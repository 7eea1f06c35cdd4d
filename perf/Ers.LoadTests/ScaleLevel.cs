namespace Ers.LoadTests;

/// <summary>One level of the scale run.</summary>
public sealed record ScaleLevel(
    int HeldSessions,
    double CreateSeconds,
    double CreatedPerSecond,
    long CreateFailures,
    SiloMemory Memory,
    double RssBytesPerSession,
    double GcBytesPerSession,
    LatencySummary Login,
    double LoginsPerSecond,
    IReadOnlyDictionary<string, long> LoginErrors,
    string? StoppedBecause);
