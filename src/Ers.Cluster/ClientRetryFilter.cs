using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Ers.Cluster;

/// <summary>
/// Bounds and retries a grain call from a cluster client (a web node, the <c>ers</c> tool) while the cluster fails
/// over, so that a person waiting on a page or an agent gets an answer in time: the call's result, or the transient
/// error that the web turns into 503 <c>service.store-unavailable</c>.
/// <list type="bullet">
/// <item>A call the cluster rejected unrun (its silo died, its gateway closed) is sent again: the directory then
/// places the grain on a survivor, which reloads its persisted state.</item>
/// <item>A call that timed out may have run: it is sent again only when its method is
/// <see cref="IdempotentAttribute">[Idempotent]</see> (a read, a heartbeat, an end of a session), whose short
/// per-attempt timeout leaves room for a second attempt after a first lost with a killed silo.</item>
/// <item>Inside a <see cref="GrainCallBudget"/> (every HTTP request to a web node) the request's deadline bounds all
/// its calls together: each attempt is waited on at most for what is left, a retry starts only while an attempt still fits, and
/// once the budget is spent the call fails at once with <see cref="StoreUnavailableException"/>. One-way calls are
/// sent whatever is left: nothing waits on them.</item>
/// <item>Outside one (a hosted service) each call has its own <see cref="ErsClusterOptions.ClientRetryWindow"/>: an
/// attempt is retried only if its whole response timeout still fits in the window.</item>
/// </list>
/// Refusals, store outages and bugs are not retried. A zero retry window turns retries off, not the budget.
/// </summary>
internal sealed partial class ClientRetryFilter(ErsClusterOptions options, TimeProvider time, ILogger<ClientRetryFilter> logger)
    : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, CallKind> Kinds = new();
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    private bool Retries => options.ClientRetryWindow > TimeSpan.Zero;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var kind = KindOf(context.InterfaceMethod);
        return GrainCallBudget.Current is { } budget && kind != CallKind.OneWay
            ? InvokeWithinAsync(context, budget, kind == CallKind.Idempotent)
            : InvokeInWindowAsync(context, kind == CallKind.Idempotent);
    }

    private async Task InvokeWithinAsync(IOutgoingGrainCallContext context, GrainCallBudget budget, bool idempotent)
    {
        var delay = FirstDelay;
        Exception? last = null;
        while (true)
        {
            if (budget.IsExhausted)
            {
                throw Exhausted(context, budget, last);
            }

            Task? call = null;
            try
            {
                call = context.Invoke();
                // Orleans ends the attempt at its response timeout (found by a sweep once a second, so a 1 s attempt
                // may take up to 2 s); the budget's deadline may come first. An attempt is never sent again before it
                // ended: Orleans refuses a second Invoke of a call still in flight.
                await call.WaitAsync(budget.Remaining, time);
                return;
            }
            catch (TimeoutException e) when (call is { IsCompleted: false })
            {
                // The budget ran out while the attempt still waits (it may still run, as after any timeout): answer now.
                _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw Exhausted(context, budget, e);
            }
            catch (Exception e) when (Retries && IsRetryable(e, idempotent))
            {
                if (!budget.AllowsRetryAfter(delay))
                {
                    throw Exhausted(context, budget, e);
                }

                LogRetry(logger, context.InterfaceMethod?.Name, e.GetType().Name, idempotent);
                last = e;
                await Task.Delay(delay, time);
                delay = Next(delay);
            }
        }
    }

    private async Task InvokeInWindowAsync(IOutgoingGrainCallContext context, bool idempotent)
    {
        var started = time.GetTimestamp();
        var attempt = context.Request.GetDefaultResponseTimeout() ?? options.ClientResponseTimeout;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (Exception e) when (Retries && IsRetryable(e, idempotent) && time.GetElapsedTime(started) + delay + attempt <= options.ClientRetryWindow)
            {
                LogRetry(logger, context.InterfaceMethod?.Name, e.GetType().Name, idempotent);
                await Task.Delay(delay, time);
                delay = Next(delay);
            }
        }
    }

    private StoreUnavailableException Exhausted(IOutgoingGrainCallContext context, GrainCallBudget budget, Exception? cause)
    {
        LogExhausted(logger, context.InterfaceMethod?.Name, (long)budget.Total.TotalMilliseconds, cause?.GetType().Name ?? "none left");
        const string Message = "Ers did not get an answer from its servers in time (one may be restarting). Try again in a moment.";
        return cause is null ? new StoreUnavailableException(Message) : new StoreUnavailableException(Message, cause);
    }

    private static TimeSpan Next(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));

    // [OneWay] first: nothing waits on such a call, whatever else it is marked.
    private static CallKind KindOf(MethodInfo? method) =>
        method is null ? CallKind.Interactive
        : Kinds.GetOrAdd(method, static m =>
            m.IsDefined(typeof(OneWayAttribute), inherit: false) ? CallKind.OneWay
            : m.IsDefined(typeof(IdempotentAttribute), inherit: false) ? CallKind.Idempotent
            : CallKind.Interactive);

    internal static bool IsRetryable(Exception e, bool idempotent) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
        || (idempotent && e is TimeoutException);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Method} failed during failover ({Error}, idempotent: {Idempotent}); retrying")]
    private static partial void LogRetry(ILogger logger, string? method, string error, bool idempotent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Method} not answered within its request's {BudgetMs} ms budget (last error: {Error}); answering unavailable")]
    private static partial void LogExhausted(ILogger logger, string? method, long budgetMs, string error);

    private enum CallKind
    {
        Interactive,
        Idempotent,
        OneWay,
    }
}
