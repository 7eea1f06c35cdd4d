namespace Ers.Sessions;

/// <summary>
/// The fan-out point for session ends (key: <see cref="Key"/>). Web nodes subscribe and renew their subscription
/// within <see cref="SubscriptionLifetime"/>; a subscription not renewed in time is dropped (the node died).
/// The hub holds subscriptions in memory only: after it moves to another silo, nodes are back within one renewal
/// period, and a node re-checks its sessions against their grains for anything missed meanwhile.
/// </summary>
[Alias("ers.ISessionEndHubGrain")]
public interface ISessionEndHubGrain : IGrainWithIntegerKey
{
    /// <summary>The one hub of a cluster.</summary>
    public const long Key = 0;

    /// <summary>A subscription not renewed for this long is dropped.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Adds or renews a subscription. Answers the hub's activation id: a change means pushes were missed.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Subscribe")]
    Task<Guid> SubscribeAsync(ISessionEndObserver observer);

    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Unsubscribe")]
    Task UnsubscribeAsync(ISessionEndObserver observer);

    /// <summary>Sent by a session grain as it ends; one-way so ending never waits for web nodes.</summary>
    [Alias("Publish"), Orleans.Concurrency.OneWay]
    Task PublishAsync(SessionEnded ended);
}
