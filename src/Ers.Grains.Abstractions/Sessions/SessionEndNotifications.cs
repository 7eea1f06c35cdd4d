namespace Ers.Sessions;

/// <summary>A session ended: pushed to every web node so open pages learn it at once.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionEnded")]
public sealed record SessionEnded(
    [property: Id(0)] string SessionId,
    [property: Id(1)] SessionEndReason Reason,
    [property: Id(2)] DateTimeOffset EndedAt);
