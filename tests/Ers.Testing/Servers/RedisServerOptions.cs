namespace Ers.Testing.Servers;

/// <summary>
/// How a <see cref="RedisServer"/> runs. The defaults are the tests': loopback only, the append-only file on with
/// one fsync a second. The benchmarks change what they measure against: no persistence for the Redis-session
/// baseline (as the usual deployment of a session cache), an fsync per write and a second address reachable from a
/// network namespace for the resilience runs (scripts/bench-netns.sh).
/// </summary>
public sealed record RedisServerOptions
{
    /// <summary>The addresses redis-server listens on; 127.0.0.1 is always among them (the server is probed there).</summary>
    public IReadOnlyList<string> BindAddresses { get; init; } = ["127.0.0.1"];

    /// <summary>The append-only file, so a stop and start keeps every key.</summary>
    public bool AppendOnly { get; init; } = true;

    /// <summary><c>everysec</c> or <c>always</c> (no acknowledged write is lost by a restart).</summary>
    public string AppendFsync { get; init; } = "everysec";
}
