namespace Ers.Staff;

/// <summary>The answer to <see cref="IUserGrain.AdmitSessionAsync"/>: the sessions to end to make room.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionAdmission")]
public sealed record SessionAdmission([property: Id(0)] IReadOnlyList<string> SessionsToEnd);
