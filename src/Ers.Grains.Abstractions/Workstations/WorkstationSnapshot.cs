namespace Ers.Workstations;

/// <summary>
/// What Ers knows of one workstation's agent. <see cref="Certificate"/> is the client certificate its last login
/// presented (<c>{issuer hash}/{serial}</c>), whose revocation ends its sessions.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.WorkstationSnapshot")]
public sealed record WorkstationSnapshot(
    [property: Id(0)] string WorkstationId,
    [property: Id(1)] DateTimeOffset? LastHeartbeatAt,
    [property: Id(2)] IReadOnlyList<string> SessionIds,
    [property: Id(3)] bool AgentLost,
    [property: Id(4)] string? Certificate = null);
