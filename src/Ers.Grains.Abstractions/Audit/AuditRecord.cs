namespace Ers.Audit;

/// <summary>
/// One append-only audit record with the fields NHS audit requirements name. Never updated, never deleted.
/// <see cref="UserId"/>, <see cref="RoleProfileId"/> and <see cref="OdsCode"/> name who acted (or whose login it
/// was); when someone acted on another user (a Registration Authority revoking a card, ending a session, ordering an
/// unblock, changing the directory), <see cref="SubjectUserId"/> and <see cref="SubjectOdsCode"/> name that user and
/// the organisation the action was for. A search by user or ODS code matches either (<see cref="AuditSearch"/>).
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
    [property: Id(11)] string? CardId = null,
    [property: Id(12)] string? SubjectUserId = null,
    [property: Id(13)] string? SubjectOdsCode = null);
