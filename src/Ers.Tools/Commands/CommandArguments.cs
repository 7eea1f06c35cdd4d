namespace Ers.Tools.Commands;

/// <summary>
/// The options of one command: <c>--name value</c> pairs and bare <c>--flag</c>s. Unknown options are an error so a
/// typo never silently falls back to a default.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CommandArguments()
    {
    }

    public static CommandArguments Parse(IReadOnlyList<string> args, params string[] known)
    {
        var parsed = new CommandArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CommandException($"Unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            if (!known.Contains(name))
            {
                throw new CommandException($"Unknown option '--{name}'. Known: {string.Join(", ", known.Select(k => "--" + k))}.");
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            parsed._options[name] = hasValue ? args[++i] : null;
        }

        return parsed;
    }

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public string Get(string name, string fallback) => _options.GetValueOrDefault(name) ?? fallback;

    public string Require(string name) =>
        _options.GetValueOrDefault(name) ?? throw new CommandException($"Missing required option '--{name}'.");

    public int GetInt(string name, int fallback) =>
        _options.GetValueOrDefault(name) is { } text
            ? int.TryParse(text, out var value) && value > 0 ? value : throw new CommandException($"--{name} must be a positive number.")
            : fallback;
}
