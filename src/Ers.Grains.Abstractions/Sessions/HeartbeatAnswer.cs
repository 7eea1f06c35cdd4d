namespace Ers.Sessions;

/// <summary>
/// A session's answer to its agent's heartbeat: whether it is still live, and if not why it ended (null when the
/// session is unknown); and the heartbeat rule it holds the agent to: silence for <see cref="HeartbeatTimeout"/> ends
/// it as agent-lost, so the agent sends every <see cref="HeartbeatPeriod"/>. <see cref="Role"/> is the session's role
/// once chosen (null before), so an agent whose user chose the role in the browser learns which.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.HeartbeatAnswer")]
public sealed record HeartbeatAnswer(
    [property: Id(0)] bool IsLive,
    [property: Id(1)] SessionEndReason? EndReason,
    [property: Id(2)] TimeSpan HeartbeatTimeout,
    [property: Id(3)] TimeSpan HeartbeatPeriod,
    [property: Id(4)] Staff.RoleProfile? Role = null);
