using System.Collections.Immutable;
using Ers.Sessions;

namespace Ers.SingleSignOn;

/// <summary>What an ended session hands its back-channel logout grain: whom to tell, about which user, why and when.</summary>
[GenerateSerializer, Immutable, Alias("ers.BackChannelLogoutOrder")]
public sealed record BackChannelLogoutOrder(
    [property: Id(0)] string UserId,
    [property: Id(1)] ImmutableArray<SignedInApplication> Applications,
    [property: Id(2)] SessionEndReason Reason,
    [property: Id(3)] DateTimeOffset EndedAt);
