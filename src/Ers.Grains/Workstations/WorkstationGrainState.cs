using Ers.Workstations;

namespace Ers.Grains.Workstations;

[GenerateSerializer, Alias("ers.WorkstationState")]
public sealed class WorkstationGrainState
{
    /// <summary>The last time this grain heard from the agent (a session start, or <see cref="IWorkstationGrain.HeartbeatAsync"/>).</summary>
    [Id(0)] public DateTimeOffset? LastHeartbeatAt { get; set; }
    [Id(1)] public HashSet<string> SessionIds { get; set; } = [];
    [Id(2)] public bool AgentLost { get; set; }

    /// <summary>The client certificate the last login here presented (<c>{issuer hash}/{serial}</c>); null before any.</summary>
    [Id(3)] public string? Certificate { get; set; }
}
