using Ers.Audit;

namespace Ers.Grains.Audit;

/// <summary>
/// The meaning of an <see cref="AuditQuery"/>, shared by the trails that filter in memory: a user or ODS code matches
/// the record's actor or the user it acted on (as <see cref="AuditSearch.Matches"/>).
/// </summary>
public static class AuditFilter
{
    public static bool Matches(AuditQuery q, AuditRecord r) =>
        (q.UserId is null || q.UserId == r.UserId || q.UserId == r.SubjectUserId) &&
        (q.SessionId is null || q.SessionId == r.SessionId) &&
        (q.CardId is null || q.CardId == r.CardId) &&
        (q.WorkstationId is null || q.WorkstationId == r.WorkstationId) &&
        (q.OdsCode is null || q.OdsCode == r.OdsCode || q.OdsCode == r.SubjectOdsCode) &&
        (q.From is null || r.Time >= q.From) &&
        (q.To is null || r.Time < q.To);
}
