namespace Ers.Cards;

/// <summary>
/// A challenge the card grain issued to one workstation for one card key: the card signs the login statement built
/// from it (<c>Ers.Api.LoginStatement</c>). Single use; answered only from that workstation until
/// <see cref="ExpiresAt"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.LoginChallenge")]
public sealed record LoginChallenge(
    [property: Id(0)] string ChallengeId,
    [property: Id(1)] byte[] Nonce,
    [property: Id(2)] DateTimeOffset ExpiresAt);
