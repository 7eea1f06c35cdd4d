using Ers.Testing.Silos;

namespace Ers.Cluster.Tests;

/// <summary>
/// Three real silos on throwaway Redis and PostgreSQL with a short heartbeat timeout, so a session whose agent is gone
/// ends within seconds and the deadline index is what the tests watch.
/// </summary>
public sealed class OrphanedSessionFixture : IAsyncLifetime
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(5);

    private ErsCluster? _cluster;

    internal ErsCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public IClusterClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ErsCluster.StartAsync(silos: 3, new Dictionary<string, string>
        {
            ["Ers:Sessions:HeartbeatTimeout"] = HeartbeatTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
        try
        {
            Client = await _cluster.ConnectClientAsync(TimeSpan.FromSeconds(15));
        }
        catch
        {
            await _cluster.DisposeAsync();
            _cluster = null;
            throw;
        }
    }

    internal Task EnsureSilosAsync(int count = 3) => Cluster.EnsureSilosAsync(count);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
