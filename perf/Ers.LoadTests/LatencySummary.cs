namespace Ers.LoadTests;

/// <summary>A histogram's summary in milliseconds.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs);
