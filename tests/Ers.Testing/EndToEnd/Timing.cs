namespace Ers.Testing.EndToEnd;

/// <summary>One timed call: what, when it started and how long it took (Stopwatch timestamps).</summary>
public sealed record TimedCall(string Name, long Started, TimeSpan Elapsed);
