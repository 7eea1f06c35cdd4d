namespace Ers.LoadTests;

/// <summary>
/// One phase of a flood run: the logins measured (open loop at the same rate in both), the flood's requests and
/// how they were answered (empty in the quiet phase), and CPU from <c>/proc</c>.
/// </summary>
public sealed record FloodPhase(
    string Name,
    double Seconds,
    long LoginsCompleted,
    IReadOnlyDictionary<string, long> LoginErrors,
    LatencySummary Login,
    long FloodRequests,
    double FloodRequestsPerSecond,
    IReadOnlyDictionary<string, long> FloodAnswers,
    double WebCpuSeconds,
    double WebCpuPercentOfOneCore,
    double WebCpuMsPerLogin,
    double GeneratorCpuPercentOfOneCore,
    double FloodSourceCpuPercentOfOneCore,
    string LoadAverageAtEnd);
