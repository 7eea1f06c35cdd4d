namespace Ers.Testing.Silos;

/// <summary>
/// Where a <see cref="SiloProcess"/> runs: the address its HTTP endpoints listen on (and are probed at), and a
/// command it is started through. The defaults are loopback and <c>dotnet</c> itself; the resilience benchmark runs
/// a silo inside a network namespace (<c>ip netns exec NAME</c>, which execs in place: same process id, environment
/// and working directory) so that its network can be cut (scripts/bench-netns.sh).
/// </summary>
public sealed record SiloLaunch
{
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The command and its arguments that run <c>dotnet Ers.Silo.dll</c>, e.g. <c>["ip", "netns", "exec", "ns1"]</c>.</summary>
    public IReadOnlyList<string> Through { get; init; } = [];
}
