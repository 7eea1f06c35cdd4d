namespace Ers.Api;

/// <summary>
/// One session's state in a <see cref="HeartbeatResponse"/>. When <see cref="Active"/> is false, <see cref="EndReason"/>
/// is the stable end code (<c>logout</c>, <c>superseded</c>, <c>idle-timeout</c>, <c>agent-lost</c>, ...; null when the
/// server no longer knows the session) and <see cref="Message"/> says it in words a clinician understands.
/// </summary>
public sealed record HeartbeatSessionStatus(bool Active, string? EndReason, string? Message);
