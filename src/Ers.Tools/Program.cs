using Ers.Tools.Commands;

namespace Ers.Tools;

/// <summary>The <c>ers</c> operator command: a short dispatcher over <see cref="CommandDispatcher.Groups"/>.</summary>
internal static class ErsCommand
{
    // Not a top-level program: a global `Program` would clash with Ers.Web's in tests that reference both.
    public static Task<int> Main(string[] args) =>
        CommandDispatcher.RunAsync(args, new CommandContext(Console.Out, Console.Error, TimeProvider.System));
}
