namespace Ers.Workstations;

/// <summary>What Ers knows of one workstation's agent.</summary>
[GenerateSerializer, Immutable, Alias("ers.WorkstationSnapshot")]
public sealed record WorkstationSnapshot(
    [property: Id(0)] string WorkstationId,
    [property: Id(1)] DateTimeOffset? LastHeartbeatAt,
    [property: Id(2)] IReadOnlyList<string> SessionIds,
    [property: Id(3)] bool AgentLost);
