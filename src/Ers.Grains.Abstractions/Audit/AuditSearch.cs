namespace Ers.Audit;

/// <summary>
/// A validated audit search (made by <see cref="AuditSearchRules.Validate"/>): blank filters dropped, the time range
/// cut to microseconds, the page size settled and the cursor decoded. Every trail answers it with the same meaning:
/// the first <see cref="PageSize"/> matching records in <see cref="AuditOrder"/> strictly after <see cref="After"/>.
/// </summary>
public sealed record AuditSearch(
    string? UserId,
    string? SessionId,
    string? CardId,
    string? WorkstationId,
    string? OdsCode,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int PageSize,
    AuditCursor? After,
    ulong Fingerprint)
{
    /// <summary>
    /// Whether <paramref name="record"/> passes the filters and lies after the cursor. The user and ODS filters match
    /// the actor's fields or the acted-on user's (<see cref="AuditRecord.SubjectUserId"/>, <see cref="AuditRecord.SubjectOdsCode"/>).
    /// </summary>
    public bool Matches(AuditRecord record)
    {
        var time = AuditOrder.Normalise(record.Time);
        return (UserId is null || UserId == record.UserId || UserId == record.SubjectUserId) &&
               (SessionId is null || SessionId == record.SessionId) &&
               (CardId is null || CardId == record.CardId) &&
               (WorkstationId is null || WorkstationId == record.WorkstationId) &&
               (OdsCode is null || OdsCode == record.OdsCode || OdsCode == record.SubjectOdsCode) &&
               (From is null || time >= From) &&
               (To is null || time < To) &&
               (After is not { } after || AuditOrder.Compare(time, record.Id, after.Time, after.Id) > 0);
    }

    /// <summary>
    /// The page from the first matching records in order: a trail fetches up to <see cref="PageSize"/> + 1 of them,
    /// and the one beyond the page only tells that there is a next one.
    /// </summary>
    public AuditPage PageOf(IReadOnlyList<AuditRecord> ordered)
    {
        if (ordered.Count <= PageSize)
        {
            return new AuditPage(ordered, null);
        }

        var records = ordered.Take(PageSize).ToList();
        var last = records[^1];
        return new AuditPage(records, new AuditCursor(AuditOrder.Normalise(last.Time), last.Id, Fingerprint).Encode());
    }
}
