namespace Ers;

/// <summary>The stable refusal codes of the grains. Each has one meaning forever.</summary>
public static class RefusalCodes
{
    public const string UserUnknown = "user.unknown";
    public const string UserHasNoRoleProfiles = "user.no-role-profiles";
    public const string ConcurrentSessionDenied = "session.concurrent-limit";
    public const string RoleNotHeld = "role.not-held";
    public const string RoleAlreadyChosen = "role.already-chosen";
    public const string RoleNotChosen = "role.not-chosen";
    public const string BusinessFunctionNotGranted = "business-function.not-granted";
    public const string NoBusinessFunction = "business-function.none-granted";
    public const string SessionUnknown = "session.unknown";
    public const string SessionEnded = "session.ended";
    public const string SessionAlreadyStarted = "session.already-started";
    public const string CardBlocked = "card.blocked";
    public const string CardRevoked = "card.revoked";
    public const string CardNotInserted = "card.not-inserted";
    public const string CardInOtherWorkstation = "card.other-workstation";

    /// <summary>An unblock was authorised for a card Ers has not seen blocked (its agent reports a blocked PIN).</summary>
    public const string CardNotBlocked = "card.not-blocked";

    /// <summary>An unblock was reported for a card with no open RA unblock order.</summary>
    public const string UnblockNoOrder = "unblock.no-order";

    /// <summary>The RA's unblock order for the card has expired; the RA authorises again.</summary>
    public const string UnblockOrderExpired = "unblock.order-expired";

    /// <summary>The RA's unblock order names another workstation than the one that reported the unblock.</summary>
    public const string UnblockOtherWorkstation = "unblock.other-workstation";

    public const string TicketUsed = "ticket.used";
    public const string TicketUnknown = "ticket.unknown";
    public const string TicketExpired = "ticket.expired";

    /// <summary>An audit search whose time range ends before (or when) it starts.</summary>
    public const string AuditSearchRangeInverted = "audit-search.range-inverted";

    /// <summary>An audit search page size outside 1 to <see cref="Audit.AuditSearchRules.MaxPageSize"/>.</summary>
    public const string AuditSearchPageSize = "audit-search.page-size";

    /// <summary>An audit search cursor that no search gave out (truncated, edited or of another version).</summary>
    public const string AuditSearchCursorMalformed = "audit-search.cursor-malformed";

    /// <summary>An audit search cursor given out by a search with other filters.</summary>
    public const string AuditSearchCursorOtherSearch = "audit-search.cursor-other-search";

    public const string CardUnknown = "card.unknown";

    /// <summary>The session's role profile carries no RA activity: it is not an RA session.</summary>
    public const string RaNotAnRa = "ra.not-an-ra";

    /// <summary>The RA role profile's activities do not grant this action.</summary>
    public const string RaNotPermitted = "ra.not-permitted";

    /// <summary>The user, session or card is not in an organisation the RA role profile covers.</summary>
    public const string RaOutOfScope = "ra.out-of-scope";

    /// <summary>An RA action that changes something needs a reason.</summary>
    public const string RaReasonRequired = "ra.reason-required";

    /// <summary>A staff directory file that is not valid (every problem is named); nothing was changed.</summary>
    public const string DirectoryInvalid = "directory.invalid";

    /// <summary>A staff directory file larger than an RA may import in one go.</summary>
    public const string DirectoryTooLarge = "directory.too-large";

    /// <summary>The directory changed between an import's preview and its apply: preview it again.</summary>
    public const string DirectoryChangedSincePreview = "directory.changed-since-preview";

    /// <summary>An RA's user search by name that is too short or too long.</summary>
    public const string RaSearchText = "ra.search-text";

    /// <summary>A web node asked to audit an entry no edge writes (its kind, or a field longer than any real one).</summary>
    public const string AuditEdgeEntry = "audit.edge-entry";

    /// <summary>A challenge id the card grain never issued (or has forgotten): insert the card again.</summary>
    public const string ChallengeInvalid = "challenge.invalid";

    /// <summary>A challenge answered after its lifetime (<c>Ers:Sessions:ChallengeLifetime</c>).</summary>
    public const string ChallengeExpired = "challenge.expired";

    /// <summary>A challenge answered a second time.</summary>
    public const string ChallengeUsed = "challenge.used";

    /// <summary>A challenge answered from another workstation than the one it was issued to.</summary>
    public const string ChallengeOtherWorkstation = "challenge.other-workstation";

    /// <summary>The card's signature does not verify over the login statement with the presented certificate's key.</summary>
    public const string SignatureInvalid = "signature.invalid";
}
