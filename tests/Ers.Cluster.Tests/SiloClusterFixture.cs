using Ers.Testing.Silos;

namespace Ers.Cluster.Tests;

/// <summary>
/// Three real silos on throwaway Redis and PostgreSQL for one test class, and the clients a derived fixture connects;
/// the derived fixture says what differs (the silos' settings, which clients). A start that fails leaves no server
/// behind: xunit does not dispose a fixture whose start failed.
/// </summary>
public abstract class SiloClusterFixture : IAsyncLifetime
{
    private ErsCluster? _cluster;

    internal ErsCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    /// <summary>Settings (configuration form) that replace the silos' defaults; none unless a derived fixture says.</summary>
    protected virtual IReadOnlyDictionary<string, string>? SiloSettings => null;

    public async Task InitializeAsync()
    {
        _cluster = await ErsCluster.StartAsync(silos: 3, SiloSettings);
        try
        {
            await ConnectClientsAsync(_cluster);
        }
        catch
        {
            await _cluster.DisposeAsync();
            _cluster = null;
            throw;
        }
    }

    /// <summary>Connects the clients the tests use, once the silos are up.</summary>
    /// <param name="cluster">The started cluster.</param>
    protected abstract Task ConnectClientsAsync(ErsCluster cluster);

    /// <summary>Brings the cluster back to <paramref name="count"/> silos after a test took some away.</summary>
    internal Task EnsureSilosAsync(int count = 3) => Cluster.EnsureSilosAsync(count);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
