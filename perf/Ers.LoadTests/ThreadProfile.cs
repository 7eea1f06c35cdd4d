using System.Globalization;
using System.Text.RegularExpressions;

namespace Ers.LoadTests;

/// <summary>
/// Where a process spends its CPU, by thread name, from <c>/proc/PID/task/TID/stat</c> at the start and the end of a
/// run: .NET names its threads (".NET TP Worker", ".NET Server GC", ".NET SocketEngine", ...), so the split between
/// request work, garbage collection and socket I/O shows without any profiler installed.
/// </summary>
public sealed partial class ThreadProfile
{
    private readonly Dictionary<string, Dictionary<int, (string Name, long Ticks)>> _start = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<KeyValuePair<string, int>> _processes;

    public ThreadProfile(IReadOnlyList<KeyValuePair<string, int>> processes)
    {
        _processes = processes;
        foreach (var (name, pid) in processes)
        {
            _start[name] = Read(pid);
        }
    }

    /// <summary>Per process: thread group -> CPU seconds used since the start, largest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Finish()
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (name, pid) in _processes)
        {
            var before = _start[name];
            var groups = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (tid, (thread, ticks)) in Read(pid))
            {
                var used = ticks - (before.TryGetValue(tid, out var b) ? b.Ticks : 0);
                var group = Digits().Replace(thread, "#").Trim();
                groups[group] = groups.GetValueOrDefault(group) + (used / 100.0);
            }

            result[name] = groups.Where(g => g.Value > 0.005).OrderByDescending(g => g.Value)
                .ToDictionary(g => g.Key, g => Math.Round(g.Value, 2), StringComparer.Ordinal);
        }

        return result;
    }

    private static Dictionary<int, (string Name, long Ticks)> Read(int pid)
    {
        var threads = new Dictionary<int, (string, long)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var open = stat.IndexOf('(');
                    var close = stat.LastIndexOf(')');
                    var fields = stat[(close + 2)..].Split(' ');
                    threads[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (stat[(open + 1)..close],
                        long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
                }
                catch (IOException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
        }

        return threads;
    }

    [GeneratedRegex("\\d+")]
    private static partial Regex Digits();
}
