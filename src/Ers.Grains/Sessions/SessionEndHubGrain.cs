using Ers.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Grains.Sessions;

/// <summary>
/// Fans session ends out to the subscribed web nodes. Subscriptions live in memory with an expiry: a node that
/// stops renewing (it died) is dropped; a node renews well within <see cref="ISessionEndHubGrain.SubscriptionLifetime"/>,
/// which also keeps this grain active.
/// </summary>
public sealed class SessionEndHubGrain([FromKeyedServices(ErsTime.Key)] TimeProvider time) : Grain, ISessionEndHubGrain
{
    private readonly SubscriberSet<ISessionEndObserver> _subscribers = new(ISessionEndHubGrain.SubscriptionLifetime);
    private readonly Guid _activation = Guid.NewGuid();

    public Task<Guid> SubscribeAsync(ISessionEndObserver observer)
    {
        _subscribers.Renew(observer, time.GetUtcNow());
        return Task.FromResult(_activation);
    }

    public Task UnsubscribeAsync(ISessionEndObserver observer)
    {
        _subscribers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(SessionEnded ended)
    {
        foreach (var observer in _subscribers.Live(time.GetUtcNow()))
        {
            // One-way: a dead node costs nothing here; its subscription simply expires.
            observer.SessionEndedAsync(ended).Ignore();
        }

        return Task.CompletedTask;
    }
}
