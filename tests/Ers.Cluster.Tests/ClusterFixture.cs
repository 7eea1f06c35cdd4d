using Ers.Testing.Silos;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Ers.Cluster.Tests;

/// <summary>
/// Three real silos on throwaway Redis and PostgreSQL, and three clients: one that shows failover errors as they are
/// (retry window zero, to measure them), one that retries rejected calls for long (15 s) and waits 10 s for each answer and one with Ers.Web's
/// defaults exactly.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private ErsCluster? _cluster;

    internal ErsCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public IClusterClient RawClient { get; private set; } = null!;

    public IClusterClient RetryingClient { get; private set; } = null!;

    /// <summary>A client with Ers.Web's defaults exactly (retry window, response timeouts).</summary>
    public IClusterClient WebClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ErsCluster.StartAsync(silos: 3);
        try
        {
            RawClient = await _cluster.ConnectClientAsync(TimeSpan.Zero);
            // Patient: it waits for the grains' own answers (a refusal while PostgreSQL is down can take longer than a
            // web node's 2 s), so the outage tests see what the grains decided rather than a web node's timeout.
            RetryingClient = await _cluster.ConnectClientAsync(TimeSpan.FromSeconds(15), responseTimeout: TimeSpan.FromSeconds(10));
            WebClient = await _cluster.ConnectClientAsync(retryWindow: null);
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: leave no server behind.
            await _cluster.DisposeAsync();
            _cluster = null;
            throw;
        }
    }

    /// <summary>Brings the cluster back to three silos after a test took one away.</summary>
    internal Task EnsureSilosAsync(int count = 3) => Cluster.EnsureSilosAsync(count);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
