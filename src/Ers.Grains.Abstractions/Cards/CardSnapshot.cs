namespace Ers.Cards;

/// <summary>What Ers knows of one card.</summary>
[GenerateSerializer, Immutable, Alias("ers.CardSnapshot")]
public sealed record CardSnapshot(
    [property: Id(0)] string CardId,
    [property: Id(1)] CardState State,
    [property: Id(2)] string? WorkstationId,
    [property: Id(3)] string? UserId,
    [property: Id(4)] string? SessionId,
    [property: Id(5)] DateTimeOffset? ChangedAt);
