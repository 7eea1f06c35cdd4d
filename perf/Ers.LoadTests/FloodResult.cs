namespace Ers.LoadTests;

/// <summary>One flood run: the quiet phase, the flood phase, and the flood-to-quiet latency ratios.</summary>
public sealed record FloodResult(
    string Label,
    string Command,
    DateTimeOffset FinishedAt,
    MachineInfo Machine,
    FloodSettings Settings,
    FloodPhase Quiet,
    FloodPhase Flood)
{
    public double P50Ratio => Ratio(Flood.Login.P50Ms, Quiet.Login.P50Ms);

    public double P95Ratio => Ratio(Flood.Login.P95Ms, Quiet.Login.P95Ms);

    public double P99Ratio => Ratio(Flood.Login.P99Ms, Quiet.Login.P99Ms);

    /// <summary>Ers.Web's CPU per flood request: its CPU in the flood phase above what the same logins cost in the quiet one.</summary>
    public double WebCpuMicrosecondsPerFloodRequest => Flood.FloodRequests == 0 ? 0
        : Math.Round((Flood.WebCpuSeconds - (Quiet.WebCpuMsPerLogin / 1000 * Flood.LoginsCompleted)) / Flood.FloodRequests * 1e6, 1);

    private static double Ratio(double flood, double quiet) => quiet > 0 ? Math.Round(flood / quiet, 2) : double.NaN;
}
