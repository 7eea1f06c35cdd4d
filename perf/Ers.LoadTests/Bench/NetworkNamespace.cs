using Ers.Testing;
using Ers.Testing.Processes;

namespace Ers.LoadTests.Bench;

/// <summary>
/// A network namespace behind a veth pair, made and cut by scripts/bench-netns.sh (what the operating system owns
/// stays shell). Its names carry this process's id, so no other run deletes it by name; disposing deletes it.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    public const string HostAddress = "10.231.77.1";
    public const string NamespaceAddress = "10.231.77.2";

    private static readonly string Script = RepoRoot.Combine("scripts", "bench-netns.sh");
    private readonly string _id;

    private NetworkNamespace(string id, string name)
    {
        _id = id;
        Name = name;
    }

    public string Name { get; }

    /// <summary>The host end of the pair (what a cut takes down).</summary>
    public string HostDevice => "ersh" + _id;

    /// <summary>The command prefix that runs a program inside the namespace (in place: same process id and environment).</summary>
    public IReadOnlyList<string> Exec => ["ip", "netns", "exec", Name];

    public static async Task<NetworkNamespace> UpAsync()
    {
        var id = BenchStage.Text(Environment.ProcessId);
        // A leftover of an earlier run of this process id (the process ids of a fresh machine repeat).
        await ProcessRunner.RunAsync(Script, "down", id);
        var name = (await ProcessRunner.RunAsync(Script, "up", id, HostAddress, NamespaceAddress)).Trim();
        return new NetworkNamespace(id, name);
    }

    public Task CutAsync() => ProcessRunner.RunAsync(Script, "cut", _id);

    public Task RestoreAsync() => ProcessRunner.RunAsync(Script, "restore", _id);

    public async ValueTask DisposeAsync() => await ProcessRunner.RunAsync(Script, "down", _id);
}
