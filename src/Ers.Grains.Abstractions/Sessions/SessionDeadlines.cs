namespace Ers.Sessions;

/// <summary>The deadlines a page shows: when the idle warning starts, and when the session ends.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionDeadlines")]
public sealed record SessionDeadlines(
    [property: Id(0)] DateTimeOffset IdleWarningAt,
    [property: Id(1)] DateTimeOffset IdleExpiresAt,
    [property: Id(2)] DateTimeOffset AbsoluteWarningAt,
    [property: Id(3)] DateTimeOffset AbsoluteExpiresAt);
