using Ers.Audit;

namespace Ers.Web.Security;

/// <summary>
/// The audit records this web node writes itself: the agent API's and pages' refusals decided before a grain, a
/// browser session replaced, an application signed in. Each goes to the silos' trail through
/// <see cref="IEdgeAuditGrain"/>, whether the silo is co-hosted or this node is only a cluster client, so no web node
/// holds an audit store credential. Returns once the record is durable; a record that cannot be made durable throws
/// (no unaudited replacement of a browser session).
/// </summary>
public sealed partial class EdgeAudit(IGrainFactory grains, ILogger<EdgeAudit> logger)
{
    public Task RecordAsync(AuditEvent kind, AuditOutcome outcome, string reason, string? sessionId, string? userId) =>
        RecordAsync(new EdgeAuditEntry(kind, outcome, reason, UserId: userId, SessionId: sessionId));

    public async Task RecordAsync(EdgeAuditEntry entry)
    {
        if (await grains.GetGrain<IEdgeAuditGrain>(0).RecordAsync(entry) is { } refusal)
        {
            // Only a defect in this node sends one: the silo wrote nothing.
            LogEntryRefused(entry.Event, entry.Reason, refusal.Code);
            throw new InvalidOperationException($"The silo refused the audit entry {entry.Event} {entry.Reason}: {refusal.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The silo refused to audit {Event} {Reason}: {Code}")]
    private partial void LogEntryRefused(AuditEvent @event, string reason, string code);
}
