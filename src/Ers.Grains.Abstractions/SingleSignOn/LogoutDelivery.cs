namespace Ers.SingleSignOn;

/// <summary>One application's back-channel logout for one ended session: its state, attempts and the last failure.</summary>
[GenerateSerializer, Immutable, Alias("ers.LogoutDelivery")]
public sealed record LogoutDelivery(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string BackChannelLogoutUri,
    [property: Id(2)] LogoutDeliveryState State,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset NextAttemptAt,
    [property: Id(5)] string? LastFailure = null,
    [property: Id(6)] DateTimeOffset? DeliveredAt = null);
