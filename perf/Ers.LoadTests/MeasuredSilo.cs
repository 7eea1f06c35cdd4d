using System.Runtime;
using Ers.Cluster;
using Ers.ServiceDefaults;

namespace Ers.LoadTests;

/// <summary>
/// <c>ers-load silo</c>: the Ers silo exactly as <c>Ers.Silo</c> hosts it (<see cref="ClusterHosting.AddErsSilo"/>,
/// same grains, same settings keys), plus one endpoint, <c>GET /perf/memory</c>, that reports the process's own
/// managed heap after a full blocking collection and its activations by grain type. The scale run needs the heap of
/// the silo process, which no tool installed here can read from outside.
/// </summary>
public static class MeasuredSilo
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddErsSilo();
        var app = builder.Build();
        app.MapErsHealthEndpoints();
        app.MapGet("/perf/memory", async (IGrainFactory grains) =>
        {
            // Twice, so objects freed by finalizers of the first pass are gone too: the heap left is what is live.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            var activations = statistics
                .GroupBy(s => s.GrainType.Split(',')[0].Split('.').Last())
                .ToDictionary(g => g.Key, g => (long)g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
            return Results.Ok(new SiloMemory(
                GC.GetTotalMemory(forceFullCollection: false),
                info.HeapSizeBytes,
                info.FragmentedBytes,
                (ProcessSampler.ReadRssKb(Environment.ProcessId) ?? 0) * 1024,
                GC.GetTotalAllocatedBytes(),
                activations));
        });
        await app.RunAsync();
        return 0;
    }
}
