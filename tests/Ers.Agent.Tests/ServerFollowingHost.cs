using Ers.Testing.Hosts;

namespace Ers.Agent.Tests;

/// <summary>The real Ers.Web for <see cref="ServerFollowingTests"/>: a 6 s heartbeat timeout, so the server asks for a beat every 2 s.</summary>
public sealed class ServerFollowingHost : AgentHost
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(6);

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [new("Ers:Sessions:HeartbeatTimeout", HeartbeatTimeout.ToString("c"))];
}
