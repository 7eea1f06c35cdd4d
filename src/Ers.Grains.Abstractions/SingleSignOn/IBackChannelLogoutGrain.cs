using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Ers.SingleSignOn;

/// <summary>
/// One per ended session that signed into applications (key: the session id). Tells each application that registered
/// a back-channel logout URI (OpenID Connect Back-Channel Logout 1.0) that the session ended, once, retrying with
/// backoff while it is down; its pending deliveries are durable and woken by the sessions' sweeper after a silo dies.
/// </summary>
[Alias("ers.IBackChannelLogoutGrain")]
public interface IBackChannelLogoutGrain : IGrainWithStringKey
{
    /// <summary>Starts the deliveries for an ended session. The first order is kept; a repeated one changes nothing.</summary>
    [Idempotent, Alias("Deliver")]
    Task DeliverAsync(BackChannelLogoutOrder order);

    /// <summary>Activates the grain (the sweeper's call); answers whether deliveries are still pending.</summary>
    [Idempotent, AlwaysInterleave, Alias("Wake")]
    Task<bool> WakeAsync();

    /// <summary>Each application's delivery as it stands (empty before an order); answered during a round of attempts too.</summary>
    [Idempotent, AlwaysInterleave, Alias("GetDeliveries")]
    Task<ImmutableArray<LogoutDelivery>> GetDeliveriesAsync();
}
