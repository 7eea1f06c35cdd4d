namespace Ers.Cards;

/// <summary>
/// What Ers knows of one card. <see cref="UnblockOrder"/> is the RA's unblock order while it is open (null once expired
/// or used); <see cref="Revocation"/> the RA's revocation of it, if an RA revoked it. A value: tests compare two
/// snapshots to show a refusal changed nothing, so it holds no collection (the card's certificates are
/// <see cref="ICardGrain.GetCertificatesAsync"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.CardSnapshot")]
public sealed record CardSnapshot(
    [property: Id(0)] string CardId,
    [property: Id(1)] CardState State,
    [property: Id(2)] string? WorkstationId,
    [property: Id(3)] string? UserId,
    [property: Id(4)] string? SessionId,
    [property: Id(5)] DateTimeOffset? ChangedAt,
    [property: Id(6)] UnblockOrder? UnblockOrder = null,
    [property: Id(7)] CardRevocation? Revocation = null);
