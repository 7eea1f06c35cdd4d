namespace Ers.Cards;

/// <summary>
/// A Registration Authority's revocation of a card: when, which RA (user id, RA role profile id and the organisation
/// the revocation was for) and why. Kept by the card so that a certificate learnt after it is published too.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.CardRevocation")]
public sealed record CardRevocation(
    [property: Id(0)] DateTimeOffset RevokedAt,
    [property: Id(1)] string RaUserId,
    [property: Id(2)] string RaRoleProfileId,
    [property: Id(3)] string OdsCode,
    [property: Id(4)] string Reason);
