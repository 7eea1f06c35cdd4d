namespace Ers.LoadTests;

/// <summary>What <c>/perf/memory</c> answers.</summary>
public sealed record SiloMemory(
    long GcLiveBytes,
    long GcHeapBytes,
    long GcFragmentedBytes,
    long RssBytes,
    long TotalAllocatedBytes,
    IReadOnlyDictionary<string, long> Activations);
