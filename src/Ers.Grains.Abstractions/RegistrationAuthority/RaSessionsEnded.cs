namespace Ers.RegistrationAuthority;

/// <summary>The answer to an RA ending sessions: the sessions that ended.</summary>
[GenerateSerializer, Immutable, Alias("ers.RaSessionsEnded")]
public sealed record RaSessionsEnded([property: Id(0)] IReadOnlyList<string> SessionIds);
