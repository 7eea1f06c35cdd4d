using Ers.Cards;

namespace Ers.Grains.Cards;

/// <summary>A login challenge as the card grain keeps it until it is answered: for which workstation and key, until when.</summary>
[GenerateSerializer, Immutable, Alias("ers.IssuedChallenge")]
public sealed record IssuedChallenge(
    [property: Id(0)] byte[] Nonce,
    [property: Id(1)] string WorkstationId,
    [property: Id(2)] DateTimeOffset IssuedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] CardKey Key);
