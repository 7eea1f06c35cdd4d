using Microsoft.Diagnostics.Runtime;

namespace Ers.LoadTests;

/// <summary>
/// Where a process's managed memory goes, by type: attaches to it (ClrMD, ptrace; the process is suspended while its
/// heap is walked) and sums the shallow size of every object on the heap. Run it right after a full compacting
/// collection (the scale run does: <c>/perf/memory</c> first) so nearly everything counted is live.
/// </summary>
public static class HeapCensus
{
    public static IReadOnlyList<HeapTypeRow> Take(int pid, int top)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        // The DAC that matches the target's runtime ships beside it; symbol-server download is off on Linux.
        var clr = target.ClrVersions[0];
        var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
        // ClrMD cannot read the version of a Linux runtime module (it reports 0.0), so the match is not checked.
        using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
        var rows = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        foreach (var obj in runtime.Heap.EnumerateObjects())
        {
            if (!obj.IsValid || obj.IsFree)
            {
                continue;
            }

            var name = obj.Type?.Name ?? "?";
            var (count, bytes) = rows.GetValueOrDefault(name);
            rows[name] = (count + 1, bytes + (long)obj.Size);
        }

        return rows.OrderByDescending(r => r.Value.Bytes).Take(top)
            .Select(r => new HeapTypeRow(r.Key, r.Value.Count, r.Value.Bytes)).ToList();
    }
}
