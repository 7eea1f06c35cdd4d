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
}
