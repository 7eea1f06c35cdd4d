using Ers.Audit;

namespace Ers.Grains.Audit;

/// <summary>
/// What a web node may have audited through <see cref="IEdgeAuditGrain"/>: only the events the edge decides itself
/// (its refusals, a browser session replaced, an application signed in), with fields no longer than any real one.
/// Every other event is the grains' own, written where the state changes, so an edge cannot claim one.
/// </summary>
public static class EdgeAuditRules
{
    /// <summary>The longest reason the edge writes (an OAuth error code with OpenIddict's id is about 40).</summary>
    public const int MaxReasonLength = 200;

    /// <summary>The longest id any record names (a certificate CN is at most 64; ids are GUIDs or hex).</summary>
    public const int MaxIdLength = 255;

    private static readonly Refusal Refused = new(RefusalCodes.AuditEdgeEntry, "This is not an audit record a web node writes.");

    public static Refusal? Check(EdgeAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var kind = entry.Event is AuditEvent.Refused or AuditEvent.BrowserSessionReplaced or AuditEvent.ApplicationSignedIn
            && Enum.IsDefined(entry.Outcome);
        var sizes = entry.Reason is { Length: > 0 and <= MaxReasonLength }
            && new[] { entry.UserId, entry.SessionId, entry.WorkstationId, entry.CardId }.All(id => id is null || id.Length <= MaxIdLength);
        return kind && sizes ? null : Refused;
    }

    /// <summary>The record the silo writes for an accepted entry: its own id and its own clock.</summary>
    public static AuditRecord ToRecord(EdgeAuditEntry entry, Guid id, DateTimeOffset time) =>
        new(id, time, entry.Event, entry.Outcome, entry.Reason,
            UserId: entry.UserId, SessionId: entry.SessionId, WorkstationId: entry.WorkstationId, CardId: entry.CardId);
}
