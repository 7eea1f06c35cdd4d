using Orleans.Concurrency;

namespace Ers.Workstations;

/// <summary>What Ers knows of one workstation's agent.</summary>
[GenerateSerializer, Immutable, Alias("ers.WorkstationSnapshot")]
public sealed record WorkstationSnapshot(
    [property: Id(0)] string WorkstationId,
    [property: Id(1)] DateTimeOffset? LastHeartbeatAt,
    [property: Id(2)] IReadOnlyList<string> SessionIds,
    [property: Id(3)] bool AgentLost);

/// <summary>
/// One per workstation (key: the workstation id from its client certificate). Tracks the agent's heartbeats; when
/// they stop for longer than the configured time, every session on the workstation ends (fail safe).
/// </summary>
[Alias("ers.IWorkstationGrain")]
public interface IWorkstationGrain : IGrainWithStringKey
{
    [Alias("Heartbeat")]
    Task HeartbeatAsync();

    /// <summary>One-way notifications from session grains: the workstation may be the one ending them.</summary>
    [Alias("SessionStarted"), OneWay]
    Task SessionStartedAsync(string sessionId);

    [Alias("SessionEnded"), OneWay]
    Task SessionEndedAsync(string sessionId);

    [Alias("Get")]
    Task<WorkstationSnapshot> GetAsync();

    /// <summary>Checks the heartbeat deadline now (the grain's timer calls it too).</summary>
    [Alias("CheckHeartbeat")]
    Task CheckHeartbeatAsync();
}
