namespace Ers.Audit;

/// <summary>
/// What a web node asks the silos to audit (<see cref="IEdgeAuditGrain"/>): the event and who it names. The silo
/// gives the record its id and time, so a web node can neither choose an id nor date a record.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.EdgeAuditEntry")]
public sealed record EdgeAuditEntry(
    [property: Id(0)] AuditEvent Event,
    [property: Id(1)] AuditOutcome Outcome,
    [property: Id(2)] string Reason,
    [property: Id(3)] string? UserId = null,
    [property: Id(4)] string? SessionId = null,
    [property: Id(5)] string? WorkstationId = null,
    [property: Id(6)] string? CardId = null);
