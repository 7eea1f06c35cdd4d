using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ers.Grains.Workstations;

/// <summary>
/// When this silo last saw the cluster's membership change (a silo joining, leaving or declared dead). While the
/// cluster itself is disrupted, heartbeats can be lost between a web node and a session grain (a call sent through a
/// gateway that was cut off waits for its timeout), so an agent that kept sending them must not be declared lost for
/// our failure: a session's heartbeat deadline counts from the later of its last heartbeat and this moment.
/// </summary>
public sealed class ClusterChanges(IServiceProvider services, [FromKeyedServices(ErsTime.Key)] TimeProvider time) : BackgroundService
{
    private long _lastChangeTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>The last membership change this silo saw (its own start counts).</summary>
    public DateTimeOffset LastChange => new(Interlocked.Read(ref _lastChangeTicks), TimeSpan.Zero);

    private volatile bool _stopping;

    /// <summary>
    /// True from the moment this host began a graceful stop: heartbeats that stop arriving then are lost by the
    /// stopping server (its web front and gateway close first), so no session here may be declared agent-lost.
    /// </summary>
    public bool LocalSiloStopping => _stopping;

    /// <summary>Marks this host as stopping (the host's stopping signal calls it; tests may too).</summary>
    public void Stopping()
    {
        _stopping = true;
        Changed();
    }

    /// <summary>Records a change now (the membership feed calls it; tests may too).</summary>
    public void Changed() => Interlocked.Exchange(ref _lastChangeTicks, time.GetUtcNow().UtcTicks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The application's stopping signal fires before any hosted service (the silo included) begins to stop.
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(Stopping);
        // Resolved here, not in the constructor: the membership service exists only inside a silo.
        if (services.GetService<IClusterMembershipService>() is not { } membership)
        {
            return;
        }

        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                Changed();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
