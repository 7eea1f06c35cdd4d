using Ers.Cards;

namespace Ers.RegistrationAuthority;

/// <summary>A card as an RA sees it: its state, where it is, whose it is.</summary>
[GenerateSerializer, Immutable, Alias("ers.RaCardRow")]
public sealed record RaCardRow(
    [property: Id(0)] string CardId,
    [property: Id(1)] CardState State,
    [property: Id(2)] string? WorkstationId,
    [property: Id(3)] string? UserId,
    [property: Id(4)] string? UserName,
    [property: Id(5)] DateTimeOffset? ChangedAt);
