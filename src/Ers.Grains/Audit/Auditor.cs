using Ers.Audit;

namespace Ers.Grains.Audit;

/// <summary>Builds audit records with the trail's clock, so grains write one line per event.</summary>
public sealed class Auditor(IAuditTrail trail, TimeProvider time)
{
    public Task RecordAsync(AuditRecord record) => trail.AppendAsync(record);

    public AuditRecord New(AuditEvent kind, AuditOutcome outcome = AuditOutcome.Success, string? reason = null) =>
        new(Guid.NewGuid(), time.GetUtcNow(), kind, outcome, reason);

    public Task RefusedAsync(Refusal refusal, Func<AuditRecord, AuditRecord> details) =>
        trail.AppendAsync(details(New(AuditEvent.Refused, AuditOutcome.Failure, refusal.Code)));
}
