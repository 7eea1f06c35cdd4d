namespace Ers.Audit;

/// <summary>An auditor's question. Null fields do not filter.</summary>
public sealed record AuditQuery(
    string? UserId = null,
    string? SessionId = null,
    string? CardId = null,
    string? WorkstationId = null,
    string? OdsCode = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 1000);
