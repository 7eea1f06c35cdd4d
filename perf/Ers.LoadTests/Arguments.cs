using System.Globalization;

namespace Ers.LoadTests;

/// <summary><c>--name value</c> pairs; every name must be one the command knows, so a typo is an error, not a default.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= list.Count)
            {
                throw new ArgumentException($"Expected '--name value', got '{list[i]}'.");
            }

            _values[list[i][2..]] = list[++i];
        }
    }

    public string String(string name, string fallback) { _read.Add(name); return _values.GetValueOrDefault(name, fallback); }

    public string? Optional(string name) { _read.Add(name); return _values.GetValueOrDefault(name); }

    public string Required(string name) =>
        Optional(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Optional(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Optional(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary><c>name=pid,name=pid</c>: the processes whose CPU and memory the report shows.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Processes(string name) =>
        (Optional(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, int>(p[0], int.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Fails on any argument no option read (call after reading them all).</summary>
    public void ThrowIfUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
