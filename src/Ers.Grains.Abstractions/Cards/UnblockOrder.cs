namespace Ers.Cards;

/// <summary>
/// A Registration Authority's authorisation to reset a blocked card's PIN retry counter: bound to one card (the grain
/// holding it) and to the RA's workstation, whose agent runs the card's RESET RETRY COUNTER while it holds the card.
/// Open until <see cref="ExpiresAt"/>, consumed by the first successful unblock; the card enforces the PUK.
/// <see cref="RaOdsCode"/> is the organisation the RA acted for: the card's records of the order and of the unblock
/// carry it, so that the RA's organisation-scoped audit search finds them.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.UnblockOrder")]
public sealed record UnblockOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string WorkstationId,
    [property: Id(2)] string RaUserId,
    [property: Id(3)] string RaRoleProfileId,
    [property: Id(4)] DateTimeOffset IssuedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] string? RaOdsCode = null);
