using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ers.Cluster;

/// <summary>
/// Retries a grain call from a cluster client while the cluster fails over: a call rejected because its target silo
/// died is tried again (the directory then places the grain on a survivor, which reloads its persisted state) until
/// <see cref="ErsClusterOptions.ClientRetryWindow"/> has passed. Safe for Ers' grains because a repeated call is
/// answered idempotently: session ids are chosen by the caller, so a repeated start is refused as already started,
/// never doubled. Other failures (refusals, store outages, bugs) are not retried here.
/// </summary>
internal sealed class ClientRetryFilter(ErsClusterOptions options, TimeProvider time, ILogger<ClientRetryFilter> logger)
    : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var deadline = time.GetUtcNow() + options.ClientRetryWindow;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (Exception e) when (IsFailover(e) && time.GetUtcNow() + delay < deadline)
            {
                logger.LogInformation("Call {Method} rejected during failover ({Error}); retrying", context.InterfaceMethod?.Name, e.GetType().Name);
                await Task.Delay(delay, time);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    private static bool IsFailover(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;
}
