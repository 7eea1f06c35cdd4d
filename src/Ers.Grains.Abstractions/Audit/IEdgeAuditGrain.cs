namespace Ers.Audit;

/// <summary>
/// The audit channel of the hosts that are not silos (the web nodes): the refusals they decide at the edge and the
/// browser events only they see. It writes to the silos' trail, so a web node holds no audit store credential and
/// every host kind audits the same way. Returns once the record is durable; throws as
/// <see cref="IAuditTrail.AppendAsync"/> does when it cannot be. An entry of a kind the edge never writes, or with
/// a field longer than a real one, is refused (<c>audit.edge-entry</c>, the silo's <c>EdgeAuditRules</c>) and
/// nothing is written.
/// </summary>
[Alias("ers.IEdgeAuditGrain")]
public interface IEdgeAuditGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task<Refusal?> RecordAsync(EdgeAuditEntry entry);
}
