namespace Ers.Api;

/// <summary>
/// The answer to a heartbeat. The server's rule: a session that hears from its agent for <see cref="HeartbeatTimeout"/>
/// ends as agent-lost, so the agent sends every <see cref="HeartbeatPeriod"/> (a third of it). <see cref="Sessions"/>
/// says, in the order of the request's tokens, whether each session is still active and if not why it ended, so the
/// agent stops showing a session the server has ended (logout elsewhere, superseded, timed out, restarted).
/// </summary>
public sealed record HeartbeatResponse(
    TimeSpan HeartbeatTimeout,
    TimeSpan HeartbeatPeriod,
    IReadOnlyList<HeartbeatSessionStatus> Sessions);
