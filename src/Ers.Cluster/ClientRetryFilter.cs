using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Ers.Cluster;

/// <summary>
/// Bounds and retries a grain call from a cluster client (a web node, the <c>ers</c> tool) while the cluster fails
/// over, so that a person waiting on a page or an agent gets an answer within
/// <see cref="ErsClusterOptions.ClientRetryWindow"/>: the call's result, or the transient error that the web turns
/// into 503 <c>service.store-unavailable</c>.
/// <list type="bullet">
/// <item>A call the cluster rejected unrun (its silo died, its gateway closed) is sent again: the directory then
/// places the grain on a survivor, which reloads its persisted state.</item>
/// <item>A call that timed out may have run: it is sent again only when its method is
/// <see cref="IdempotentAttribute">[Idempotent]</see> (a read, a heartbeat, an end of a session), whose short
/// per-attempt timeout leaves room for a second attempt after a first lost with a killed silo.</item>
/// <item>An attempt is started only if its whole response timeout still fits in the window, so the window bounds the
/// call. Refusals, store outages and bugs are not retried.</item>
/// </list>
/// </summary>
internal sealed partial class ClientRetryFilter(ErsClusterOptions options, TimeProvider time, ILogger<ClientRetryFilter> logger)
    : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> Idempotent = new();
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var started = time.GetTimestamp();
        var idempotent = IsIdempotent(context.InterfaceMethod);
        var attempt = context.Request.GetDefaultResponseTimeout() ?? options.ClientResponseTimeout;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (Exception e) when (IsRetryable(e, idempotent) && time.GetElapsedTime(started) + delay + attempt <= options.ClientRetryWindow)
            {
                LogRetry(logger, context.InterfaceMethod?.Name, e.GetType().Name, idempotent);
                await Task.Delay(delay, time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    /// <summary>True for a method marked <see cref="IdempotentAttribute"/> on its grain interface.</summary>
    internal static bool IsIdempotent(MethodInfo? method) =>
        method is not null && Idempotent.GetOrAdd(method, m => m.IsDefined(typeof(IdempotentAttribute), inherit: false));

    internal static bool IsRetryable(Exception e, bool idempotent) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
        || (idempotent && e is TimeoutException);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Method} failed during failover ({Error}, idempotent: {Idempotent}); retrying")]
    private static partial void LogRetry(ILogger logger, string? method, string error, bool idempotent);
}
