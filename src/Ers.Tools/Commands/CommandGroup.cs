namespace Ers.Tools.Commands;

/// <summary>One <c>ers</c> command group: its name, a one-line summary and its entry point.</summary>
public sealed record CommandGroup(string Name, string Summary, Func<IReadOnlyList<string>, CommandContext, Task<int>> RunAsync);
