using Ers.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Ers.Grains.Audit;

/// <summary>
/// <see cref="IEdgeAuditGrain"/>: a stateless worker on the silo a web node's call reaches, so records never cross
/// the cluster twice. Reentrant: records that arrive while one is being made durable join the trail's next group
/// commit instead of queueing behind it.
/// </summary>
[StatelessWorker, Reentrant]
public sealed partial class EdgeAuditGrain(
    IAuditTrail trail,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    ILogger<EdgeAuditGrain> logger) : Grain, IEdgeAuditGrain
{
    public async Task<Refusal?> RecordAsync(EdgeAuditEntry entry)
    {
        if (EdgeAuditRules.Check(entry) is { } refusal)
        {
            // Our own web nodes never send one: counted in the log, not audited (an audit record of a forged audit
            // record is what a flood of them would turn into).
            LogRefused(entry?.Event, entry?.Reason?.Length);
            return refusal;
        }

        await trail.AppendAsync(EdgeAuditRules.ToRecord(entry, Guid.NewGuid(), time.GetUtcNow()));
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A web node asked to audit an entry no edge writes: {Event}, reason of {ReasonLength} characters")]
    private partial void LogRefused(AuditEvent? @event, int? reasonLength);
}
