namespace Ers.Testing.Servers;

/// <summary>
/// How a <see cref="PostgresServer"/> runs. The defaults are the tests': loopback only, fsync off (a test loses
/// nothing it checks to an operating-system crash). The resilience benchmark adds an address a network namespace
/// reaches it on and keeps fsync on, as a deployment does, so the audit trail's cost is the real one.
/// </summary>
public sealed record PostgresServerOptions
{
    /// <summary>Addresses to listen on besides 127.0.0.1.</summary>
    public IReadOnlyList<string> ExtraListenAddresses { get; init; } = [];

    /// <summary>Client networks (CIDR) let in without a password besides the local ones (<c>pg_hba.conf</c> lines).</summary>
    public IReadOnlyList<string> TrustedNetworks { get; init; } = [];

    public bool Fsync { get; init; }
}
