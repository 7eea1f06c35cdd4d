namespace Ers.Testing.Silos;

/// <summary>A <c>SessionEnded</c> record of the PostgreSQL audit trail: which session, why (null when none was given) and when.</summary>
public sealed record AuditedSessionEnd(string SessionId, string? Reason, DateTimeOffset Time);
