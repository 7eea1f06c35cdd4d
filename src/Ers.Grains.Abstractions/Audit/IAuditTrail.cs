namespace Ers.Audit;

/// <summary>
/// The audit trail. <see cref="AppendAsync"/> returns only once the record is durable; a caller that cannot audit an
/// action does not perform it.
/// </summary>
public interface IAuditTrail
{
    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Records matching a filter, oldest first (for tests and operators; the durable store has indexes).</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the records matching <paramref name="query"/> in <see cref="AuditOrder"/> (oldest first), after its
    /// <see cref="AuditQuery.Cursor"/>; or the refusal of a bad query (<see cref="AuditSearchRules"/>). Every trail
    /// gives the same pages for the same records. Throws <see cref="AuditUnavailableException"/> when the store cannot
    /// be read.
    /// </summary>
    Task<Outcome<AuditPage>> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
