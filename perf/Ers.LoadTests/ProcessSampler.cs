using System.Globalization;

namespace Ers.LoadTests;

/// <summary>
/// CPU and memory of the processes under test, read once a second from <c>/proc/PID/stat</c> (utime + stime, in
/// clock ticks) and <c>/proc/PID/status</c> (VmRSS). No tool needs to be installed and nothing is injected.
/// </summary>
public sealed class ProcessSampler
{
    // USER_HZ is 100 on every Linux kernel configuration .NET runs on.
    private const double TicksPerSecond = 100.0;

    private readonly Dictionary<string, Watched> _watched = new(StringComparer.Ordinal);

    public ProcessSampler(IEnumerable<KeyValuePair<string, int>> processes)
    {
        foreach (var (name, pid) in processes)
        {
            _watched[name] = new Watched(pid);
        }
    }

    public IReadOnlyCollection<string> Names => _watched.Keys;

    /// <summary>Samples every process; returns name -> (CPU % of one core since the last sample, RSS MB).</summary>
    public IReadOnlyDictionary<string, ProcessSample> Sample()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = new Dictionary<string, ProcessSample>(StringComparer.Ordinal);
        foreach (var (name, watched) in _watched)
        {
            var ticks = ReadCpuTicks(watched.Pid);
            var rss = ReadRssKb(watched.Pid);
            if (ticks is null || rss is null)
            {
                result[name] = new ProcessSample(0, 0, Alive: false);
                continue;
            }

            double cpu = 0;
            if (watched.LastTimestamp != 0)
            {
                var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(watched.LastTimestamp, now).TotalSeconds;
                cpu = seconds > 0 ? (ticks.Value - watched.LastTicks) / TicksPerSecond / seconds * 100.0 : 0;
            }
            else
            {
                watched.FirstTicks = ticks.Value;
                watched.FirstTimestamp = now;
            }

            watched.LastTicks = ticks.Value;
            watched.LastTimestamp = now;
            watched.MaxRssKb = Math.Max(watched.MaxRssKb, rss.Value);
            watched.LastRssKb = rss.Value;
            result[name] = new ProcessSample(cpu, rss.Value / 1024.0, Alive: true);
        }

        return result;
    }

    /// <summary>Average CPU (% of one core) over everything sampled so far, and peak/last RSS.</summary>
    public IReadOnlyDictionary<string, ProcessUsage> Totals() => _watched.ToDictionary(
        w => w.Key,
        w =>
        {
            var seconds = w.Value.FirstTimestamp == 0 ? 0
                : System.Diagnostics.Stopwatch.GetElapsedTime(w.Value.FirstTimestamp, w.Value.LastTimestamp).TotalSeconds;
            var cpu = seconds > 0 ? (w.Value.LastTicks - w.Value.FirstTicks) / TicksPerSecond / seconds * 100.0 : 0;
            return new ProcessUsage(w.Value.Pid, Math.Round(cpu, 1), Math.Round(w.Value.MaxRssKb / 1024.0, 1),
                Math.Round(w.Value.LastRssKb / 1024.0, 1), Math.Round((w.Value.LastTicks - w.Value.FirstTicks) / TicksPerSecond, 2));
        },
        StringComparer.Ordinal);

    /// <summary>CPU seconds (user + system) a process has used so far, or null when it is gone.</summary>
    public static double? CpuSeconds(int pid) => ReadCpuTicks(pid) / TicksPerSecond;

    public static long? ReadRssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private static long? ReadCpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces and ')'; the fields after the last ')' are plain.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): utime is field 14, stime field 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private sealed class Watched(int pid)
    {
        public int Pid { get; } = pid;
        public long FirstTicks { get; set; }
        public long FirstTimestamp { get; set; }
        public long LastTicks { get; set; }
        public long LastTimestamp { get; set; }
        public long MaxRssKb { get; set; }
        public long LastRssKb { get; set; }
    }
}
