using Ers.Testing.Silos;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Ers.Cluster.Tests;

/// <summary>
/// Three real silos on throwaway Redis and PostgreSQL, and three clients: one that shows failover errors as they are
/// (retry window zero, to measure them), one that retries rejected calls for long (15 s) and waits 10 s for each answer and one with Ers.Web's
/// defaults exactly.
/// </summary>
public sealed class ClusterFixture : SiloClusterFixture
{
    public IClusterClient RawClient { get; private set; } = null!;

    public IClusterClient RetryingClient { get; private set; } = null!;

    /// <summary>A client with Ers.Web's defaults exactly (retry window, response timeouts).</summary>
    public IClusterClient WebClient { get; private set; } = null!;

    protected override async Task ConnectClientsAsync(ErsCluster cluster)
    {
        RawClient = await cluster.ConnectClientAsync(TimeSpan.Zero);
        // Patient: it waits for the grains' own answers (a refusal while PostgreSQL is down can take longer than a
        // web node's 2 s), so the outage tests see what the grains decided rather than a web node's timeout.
        RetryingClient = await cluster.ConnectClientAsync(TimeSpan.FromSeconds(15), responseTimeout: TimeSpan.FromSeconds(10));
        WebClient = await cluster.ConnectClientAsync(retryWindow: null);
    }
}
