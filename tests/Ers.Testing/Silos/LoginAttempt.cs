namespace Ers.Testing.Silos;

/// <summary>One login attempt: what was tried, when it ended, and how; <c>SessionId</c> is empty when no session was started.</summary>
public sealed record LoginAttempt(
    string UserId, string CardId, string WorkstationId, string SessionId, string RoleProfileId,
    TimeSpan StartedAt, TimeSpan EndedAt, bool Succeeded, Exception? Error, string? RefusalCode);
