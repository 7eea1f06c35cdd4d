using Ers.Testing.Silos;

namespace Ers.Cluster.Tests;

/// <summary>
/// Three real silos on throwaway Redis and PostgreSQL with a short heartbeat timeout, so a session whose agent is gone
/// ends within seconds and the deadline index is what the tests watch.
/// </summary>
public sealed class OrphanedSessionFixture : SiloClusterFixture
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(5);

    public IClusterClient Client { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string>
    {
        ["Ers:Sessions:HeartbeatTimeout"] = HeartbeatTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override async Task ConnectClientsAsync(ErsCluster cluster) => Client = await cluster.ConnectClientAsync(TimeSpan.FromSeconds(15));
}
