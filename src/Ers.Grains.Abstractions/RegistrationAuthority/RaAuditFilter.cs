namespace Ers.RegistrationAuthority;

/// <summary>
/// An RA's audit search: the filters of <see cref="Audit.AuditQuery"/> that an RA may give (null: no filter). The
/// organisation is the RA role's unless another is named, which is refused.
/// </summary>
/// <param name="UserId">The user's UUID.</param>
/// <param name="SessionId">The session id.</param>
/// <param name="CardId">The card id.</param>
/// <param name="WorkstationId">The workstation id.</param>
/// <param name="OdsCode">The organisation's ODS code: null for the RA role's own.</param>
/// <param name="From">Records at or after this time.</param>
/// <param name="To">Records before this time.</param>
/// <param name="Cursor">The next cursor of the page before; null for the first page (the one that is audited).</param>
/// <param name="PageSize">Records per page; null for the default.</param>
/// <param name="Export">Whether the pages are being exported (the audit record says so).</param>
[GenerateSerializer, Immutable, Alias("ers.RaAuditFilter")]
public sealed record RaAuditFilter(
    [property: Id(0)] string? UserId = null,
    [property: Id(1)] string? SessionId = null,
    [property: Id(2)] string? CardId = null,
    [property: Id(3)] string? WorkstationId = null,
    [property: Id(4)] string? OdsCode = null,
    [property: Id(5)] DateTimeOffset? From = null,
    [property: Id(6)] DateTimeOffset? To = null,
    [property: Id(7)] string? Cursor = null,
    [property: Id(8)] int? PageSize = null,
    [property: Id(9)] bool Export = false);
