namespace Ers.Audit;

/// <summary>
/// An auditor's question. Null (or blank, for <see cref="IAuditTrail.SearchAsync"/>) fields do not filter; the
/// filters that are given must all match. <see cref="From"/> is inclusive, <see cref="To"/> exclusive.
/// </summary>
/// <param name="UserId">The user's UUID (SDS user id): who acted, or whom an action was about.</param>
/// <param name="SessionId">The session id.</param>
/// <param name="CardId">The card id.</param>
/// <param name="WorkstationId">The workstation id.</param>
/// <param name="OdsCode">The organisation's ODS code: the actor's, or the one an action on a user was for.</param>
/// <param name="From">Records at or after this time.</param>
/// <param name="To">Records before this time.</param>
/// <param name="Limit"><see cref="IAuditTrail.QueryAsync"/> only: the newest this many matches.</param>
/// <param name="Cursor">
/// <see cref="IAuditTrail.SearchAsync"/> only: the <see cref="AuditPage.NextCursor"/> of the page before, null for the
/// first page. A cursor belongs to the filters it was made with (<see cref="AuditSearchRules"/>).
/// </param>
/// <param name="PageSize">
/// <see cref="IAuditTrail.SearchAsync"/> only: records per page, 1 to <see cref="AuditSearchRules.MaxPageSize"/>; null
/// for <see cref="AuditSearchRules.DefaultPageSize"/>.
/// </param>
public sealed record AuditQuery(
    string? UserId = null,
    string? SessionId = null,
    string? CardId = null,
    string? WorkstationId = null,
    string? OdsCode = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 1000,
    string? Cursor = null,
    int? PageSize = null);
