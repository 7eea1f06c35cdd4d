namespace Ers.Staff;

/// <summary>A live session of a user, as the user grain tracks it.</summary>
[GenerateSerializer, Immutable, Alias("ers.LiveSessionRef")]
public sealed record LiveSessionRef(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string CardId,
    [property: Id(2)] DateTimeOffset StartedAt);
