using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Ers.Cluster;

/// <summary>
/// One Redis connection for health checks, separate from Orleans' own so a probe never competes with grain traffic.
/// It reconnects by itself after an outage (<c>AbortOnConnectFail = false</c>).
/// </summary>
internal sealed class RedisProbe(ConfigurationOptions options) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() =>
    {
        var probe = options.Clone();
        probe.AbortOnConnectFail = false;
        probe.ConnectTimeout = 2000;
        probe.ClientName = "ers-health";
        return ConnectionMultiplexer.ConnectAsync(probe);
    });

    public async Task<TimeSpan> PingAsync() => await (await _connection.Value).GetDatabase().PingAsync();

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }
}

/// <summary>Ready only while Redis (membership and grain state) answers.</summary>
internal sealed class RedisHealthCheck(RedisProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await probe.PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0} ms.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis (cluster membership and grain state) is unreachable.", e);
        }
    }
}

/// <summary>Startup/ready check: healthy once this silo is an active member of its cluster (and not stopping).</summary>
internal sealed class ClusterJoinedCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {local.SiloAddress} is an active cluster member.")
            : HealthCheckResult.Unhealthy($"Silo {local.SiloAddress} has not joined the cluster yet, or is leaving it."));
}
