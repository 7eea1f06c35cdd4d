using Ers.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Ers.Web.Browser;

/// <summary>This node's grain observer: pushed session ends go straight into the node-local view.</summary>
internal sealed class SessionEndObserver(SessionView view) : ISessionEndObserver
{
    public Task SessionEndedAsync(SessionEnded ended)
    {
        view.MarkEnded(ended);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Keeps this node subscribed to the session-end hub: subscribes at start, renews every
/// <see cref="BrowserOptions.SubscriptionRenewal"/>, and evicts unused session-view entries on the same beat.
/// When the hub answers with a new activation id it may have lost pushes meanwhile: the node then re-checks every
/// live entry with its grain (the same thing the staleness bound would do, sooner).
/// </summary>
public sealed class SessionEndSubscription(
    IGrainFactory grains,
    SessionView view,
    TimeProvider time,
    IOptions<BrowserOptions> options,
    ILogger<SessionEndSubscription> logger) : BackgroundService
{
    private ISessionEndObserver? _reference;

    /// <summary>Completed once the first subscription is in place (tests and readiness wait on it).</summary>
    public Task Subscribed => _subscribed.Task;

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = grains.GetGrain<ISessionEndHubGrain>(ISessionEndHubGrain.Key);
        var observer = new SessionEndObserver(view);
        Guid? activation = null;
        var period = options.Value.SubscriptionRenewal;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _reference ??= grains.CreateObjectReference<ISessionEndObserver>(observer);
                var current = await hub.SubscribeAsync(_reference);
                if (activation is { } previous && previous != current)
                {
                    logger.SessionEndHubRestarted();
                    await view.RefreshAllLiveAsync();
                }

                activation = current;
                _subscribed.TrySetResult();
                view.Evict(options.Value.SessionViewIdleEviction);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The cluster may still be starting or a silo may be failing over: try again on the next beat.
                logger.SessionEndSubscribeFailed(e);
            }

            try
            {
                await Task.Delay(_subscribed.Task.IsCompleted ? period : TimeSpan.FromMilliseconds(250), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is not null)
        {
            try
            {
                await grains.GetGrain<ISessionEndHubGrain>(ISessionEndHubGrain.Key).UnsubscribeAsync(_reference).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                grains.DeleteObjectReference<ISessionEndObserver>(_reference);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Shutting down: the hub forgets this node when its subscription expires anyway.
                logger.SessionEndUnsubscribeFailed(e);
            }
        }
    }
}

/// <summary>
/// Ready only once this node hears session ends: before that, its open pages would learn of an end only through
/// the staleness bound, so it takes no traffic yet.
/// </summary>
internal sealed class SessionEndSubscriptionCheck(SessionEndSubscription subscription) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(subscription.Subscribed.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy("Subscribed to session ends.")
            : HealthCheckResult.Unhealthy("Not yet subscribed to session ends."));
}
