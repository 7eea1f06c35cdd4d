using Microsoft.Extensions.DependencyInjection;
using Ers.Sessions;

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

/// <summary>Subscribers with a renewal deadline: the rule the hub applies, kept apart so it is tested directly.</summary>
public sealed class SubscriberSet<T>(TimeSpan lifetime) where T : notnull
{
    private readonly Dictionary<T, DateTimeOffset> _renewedAt = [];

    public int Count => _renewedAt.Count;

    public void Renew(T subscriber, DateTimeOffset now) => _renewedAt[subscriber] = now;

    public void Remove(T subscriber) => _renewedAt.Remove(subscriber);

    /// <summary>The subscribers renewed within the lifetime; expired ones are dropped on the way.</summary>
    public IReadOnlyList<T> Live(DateTimeOffset now)
    {
        foreach (var expired in _renewedAt.Where(p => now - p.Value > lifetime).Select(p => p.Key).ToList())
        {
            _renewedAt.Remove(expired);
        }

        return [.. _renewedAt.Keys];
    }
}

/// <summary>How a session grain announces that it ended: one call, one-way, to the hub.</summary>
public static class SessionEndNotifier
{
    public static void Publish(IGrainFactory grains, string sessionId, SessionEndReason reason, DateTimeOffset endedAt) =>
        grains.GetGrain<ISessionEndHubGrain>(ISessionEndHubGrain.Key).PublishAsync(new SessionEnded(sessionId, reason, endedAt)).Ignore();
}
