namespace Ers.Sessions;

/// <summary>What a session needs to start: who proved themselves, with which card, where.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionStart")]
public sealed record SessionStart(
    [property: Id(0)] string UserId,
    [property: Id(1)] string CardId,
    [property: Id(2)] string WorkstationId);
