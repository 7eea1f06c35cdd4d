namespace Ers.Testing.EndToEnd;

/// <summary>A login URL the agent opened, and when (Stopwatch timestamp).</summary>
public sealed record OpenedUrl(Uri Url, long Timestamp);
