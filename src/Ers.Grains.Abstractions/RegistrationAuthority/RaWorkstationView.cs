namespace Ers.RegistrationAuthority;

/// <summary>
/// A workstation's live sessions that the RA's organisations cover; <see cref="OtherSessions"/> counts the rest,
/// which the RA may not see.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RaWorkstationView")]
public sealed record RaWorkstationView(
    [property: Id(0)] string WorkstationId,
    [property: Id(1)] IReadOnlyList<RaSessionRow> Sessions,
    [property: Id(2)] int OtherSessions,
    [property: Id(3)] DateTimeOffset? LastHeartbeatAt);
