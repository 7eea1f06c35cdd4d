namespace Ers.Api;

/// <summary>
/// One session's state in a <see cref="HeartbeatResponse"/>. When <see cref="Active"/> is false, <see cref="EndReason"/>
/// is the stable end code (<c>logout</c>, <c>superseded</c>, <c>idle-timeout</c>, <c>agent-lost</c>, ...; null when the
/// server no longer knows the session) and <see cref="Message"/> says it in words a clinician understands.
/// <see cref="Role"/> is the session's role once chosen (null before): chosen in the browser, the agent learns it here.
/// </summary>
public sealed record HeartbeatSessionStatus(bool Active, string? EndReason, string? Message, RoleProfileDto? Role = null);
