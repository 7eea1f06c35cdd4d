namespace Ers.LoadTests;

/// <summary>A resilience run's fault and its recovery (null: none), as the harness performs them.</summary>
public sealed record RunFaults(Func<CancellationToken, Task> Fault, Func<CancellationToken, Task>? Recover);
