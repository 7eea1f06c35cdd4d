namespace Ers.LoadTests;

/// <summary>One slice of the page-view phase.</summary>
public sealed record PageViewSlice(int Slice, string Target, double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs, long Errors);
