namespace Ers.RegistrationAuthority;

/// <summary>
/// The RA console's actions (key: the RA's own session id, which the caller took from an authenticated cookie).
/// The grain reads who is acting from that live session, decides with the RA rules (permission from the RA role
/// profile's activities, scope from the organisations it covers), audits every action and every refusal with the RA's
/// user id and role profile id, and then acts through the card, session and user grains, so every action takes effect
/// cluster-wide. A refusal changes nothing.
/// </summary>
[Alias("ers.IRegistrationAuthorityGrain")]
public interface IRegistrationAuthorityGrain : IGrainWithStringKey
{
    /// <summary>
    /// Whether the session is a live RA session, and who is acting in it; refused (<c>ra.not-an-ra</c>) when not.
    /// A question, not an attempt: not audited (pages ask it to decide where a session belongs).
    /// </summary>
    [Alias("GetContext")]
    Task<Outcome<RaContext>> GetContextAsync();

    /// <summary>The RA opens the console (or the API): who is acting; a session that is not an RA's is refused, audited.</summary>
    [Alias("Open")]
    Task<Outcome<RaContext>> OpenAsync();

    /// <summary>A user's directory entry, live sessions and cards. Refused outside the RA's organisations.</summary>
    [Alias("GetUser")]
    Task<Outcome<RaUserView>> GetUserAsync(string userId);

    /// <summary>A workstation's live sessions in the RA's organisations.</summary>
    [Alias("GetWorkstation")]
    Task<Outcome<RaWorkstationView>> GetWorkstationAsync(string workstationId);

    /// <summary>A card and its holder (the revoke confirmation). Refused outside the RA's organisations.</summary>
    [Alias("GetCard")]
    Task<Outcome<RaCardRow>> GetCardAsync(string cardId);

    /// <summary>Ends one session (<c>ended-by-ra</c>). Refused outside the RA's organisations or without a reason.</summary>
    [Alias("EndSession")]
    Task<Outcome<RaSessionsEnded>> EndSessionAsync(string sessionId, string reason);

    /// <summary>Ends every live session of a user. Refused when the user is outside the RA's organisations.</summary>
    [Alias("EndUserSessions")]
    Task<Outcome<RaSessionsEnded>> EndUserSessionsAsync(string userId, string reason);

    /// <summary>
    /// Revokes a card (<see cref="Cards.ICardGrain.RevokeByRaAsync"/>): recorded in the card's grain state, its live
    /// session ends on every node and no new login with it is accepted; the certificates it logged in with are added to
    /// the cluster's list of Ers revocations (<see cref="Revocation.IRevocationGrain.RevokeCertificatesAsync"/>), which
    /// every web node refuses at its certificate check. Refused outside the RA's organisations.
    /// </summary>
    [Alias("RevokeCard")]
    Task<Outcome<RaCardRow>> RevokeCardAsync(string cardId, string reason);

    /// <summary>
    /// The card certificates Ers revoked for the RA role's organisation (naming another is refused,
    /// <c>ra.out-of-scope</c>), for the CA's CRL or OCSP responder. Needs the View permission.
    /// </summary>
    [Alias("GetRevocations")]
    Task<Outcome<RaRevocations>> GetRevocationsAsync(string? odsCode);

    /// <summary>
    /// One page of the audit records of the RA role's organisation (naming another
    /// organisation is refused, <c>ra.out-of-scope</c>); a bad query is refused with its <c>audit-search.*</c> code. The
    /// first page of each search is audited with the filters.
    /// </summary>
    [Alias("SearchAudit")]
    Task<Outcome<Audit.AuditPage>> SearchAuditAsync(RaAuditFilter filter);

    /// <summary>
    /// Authorises the PIN unblock of a blocked card at the RA's own workstation (the one its session is on), through
    /// <see cref="Cards.ICardGrain.AuthorizeUnblockAsync"/>; the RA then inserts the card there and the agent asks for
    /// the PUK and the new passcode. Needs the Unlock permission and a card whose holder is in scope; audited.
    /// </summary>
    [Alias("AuthorizeUnblock")]
    Task<Outcome<Cards.UnblockOrder>> AuthorizeUnblockAsync(string cardId);

    /// <summary>
    /// What a staff directory file (docs/directory-format.md) would change, within the RA's organisations: users added
    /// and removed, role profiles added, removed and changed, and the live sessions that would end. Needs the
    /// AssignPosition permission; a file naming a role profile at another organisation is refused
    /// (<c>ra.out-of-scope</c>), an invalid one too (<c>directory.invalid</c>). Changes nothing; audited.
    /// </summary>
    [Alias("PreviewDirectoryImport")]
    Task<Outcome<RaDirectoryPreview>> PreviewDirectoryImportAsync(string directoryJson);

    /// <summary>
    /// Applies a previewed import: refused (<c>directory.changed-since-preview</c>) unless the directory still gives
    /// the preview's fingerprint. Each changed user is audited, then stored; their live sessions whose role profile was
    /// removed or changed end (<c>role-removed</c>); an added role profile is offered at the user's next login.
    /// </summary>
    [Alias("ApplyDirectoryImport")]
    Task<Outcome<RaDirectoryApplied>> ApplyDirectoryImportAsync(string directoryJson, string fingerprint, string reason);

    /// <summary>
    /// Users of the RA's organisations whose name matches (every word typed starts a word of the name), by name, at
    /// most 50. Needs the View permission.
    /// </summary>
    [Alias("FindUsers")]
    Task<Outcome<IReadOnlyList<Staff.StaffIndexEntry>>> FindUsersAsync(string name);
}
