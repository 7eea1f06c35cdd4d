namespace Ers.LoadTests;

/// <summary>The machine a run was measured on.</summary>
public sealed record MachineInfo(int Processors, string MemoryTotal, string Runtime, string Os, string LoadAverageAtStart)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?",
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?");
}
