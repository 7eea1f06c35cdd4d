namespace Ers.Audit;

/// <summary>What happened, in the vocabulary auditors use (FHIR AuditEvent: 110114 User Authentication).</summary>
public enum AuditEvent
{
    /// <summary>Anything that was refused; <see cref="AuditRecord.Reason"/> carries the refusal code.</summary>
    Refused = 1,
    SessionCreated = 2,
    RoleChosen = 3,
    BusinessFunctionChosen = 4,
    SessionEnded = 5,
    CardInserted = 6,
    CardRemoved = 7,
    CardRevoked = 8,
    CardBlocked = 9,
    DirectoryImported = 10,

    /// <summary>
    /// A browser holding a live session was, at its user's explicit choice, logged in to another session by a login
    /// link; one record names the session signed out of the browser, one the session signed in.
    /// </summary>
    BrowserSessionReplaced = 11,
}

public enum AuditOutcome
{
    Success = 0,
    Failure = 1,
}

/// <summary>
/// One append-only audit record with the fields NHS audit requirements name. Never updated, never deleted.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] Guid Id,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] AuditEvent Event,
    [property: Id(3)] AuditOutcome Outcome,
    [property: Id(4)] string? Reason,
    [property: Id(5)] string? UserId = null,
    [property: Id(6)] string? RoleProfileId = null,
    [property: Id(7)] string? OdsCode = null,
    [property: Id(8)] string? BusinessFunction = null,
    [property: Id(9)] string? SessionId = null,
    [property: Id(10)] string? WorkstationId = null,
    [property: Id(11)] string? CardId = null);

/// <summary>
/// The audit trail. <see cref="AppendAsync"/> returns only once the record is durable; a caller that cannot audit an
/// action does not perform it.
/// </summary>
public interface IAuditTrail
{
    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Records matching a filter, oldest first (for tests and operators; the durable store has indexes).</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

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
