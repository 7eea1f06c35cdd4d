namespace Ers.SingleSignOn;

/// <summary>
/// One application's back-channel logout for one ended session: its state, attempts and the last failure, and the
/// <c>jti</c> of its logout token. The <c>jti</c> is fixed when the delivery is planned (and written before the first
/// attempt), so every attempt, also the one a new silo makes after a silo died between the application's 2xx and the
/// write, carries the same one: an application receives one logout per session, possibly more than once, never two.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.LogoutDelivery")]
public sealed record LogoutDelivery(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string BackChannelLogoutUri,
    [property: Id(2)] LogoutDeliveryState State,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset NextAttemptAt,
    [property: Id(5)] string? LastFailure = null,
    [property: Id(6)] DateTimeOffset? DeliveredAt = null,
    [property: Id(7)] string? TokenId = null);
