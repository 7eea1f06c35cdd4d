namespace Ers.Audit;

/// <summary>What happened, in the vocabulary auditors use (FHIR AuditEvent: 110114 User Authentication).</summary>
public enum AuditEvent
{
    /// <summary>Anything that was refused; <see cref="AuditRecord.Reason"/> carries the refusal code.</summary>
    Refused = 1,
    SessionCreated = 2,
    RoleChosen = 3,
    BusinessFunctionChosen = 4,
    SessionEnded = 5,
    CardInserted = 6,
    CardRemoved = 7,
    CardRevoked = 8,
    CardBlocked = 9,
    DirectoryImported = 10,

    /// <summary>
    /// A browser holding a live session was, at its user's explicit choice, logged in to another session by a login
    /// link; one record names the session signed out of the browser, one the session signed in.
    /// </summary>
    BrowserSessionReplaced = 11,

    /// <summary>
    /// An application was given a code for a card session (Ers as an OpenID Connect provider); the reason is its
    /// client id. The applications a session signed into are the ones told when it ends.
    /// </summary>
    ApplicationSignedIn = 12,

    /// <summary>
    /// A Registration Authority authorised unblocking a card's PIN at its workstation: the record names the RA
    /// (<see cref="AuditRecord.UserId"/>, <see cref="AuditRecord.RoleProfileId"/>), the card and the workstation.
    /// </summary>
    CardUnblockAuthorized = 13,

    /// <summary>
    /// The agent at the RA's workstation reported the card's RESET RETRY COUNTER: success (the card is usable again)
    /// or failure with the reason (<c>card.puk-wrong</c>, <c>card.puk-blocked</c>). Names the card's user.
    /// </summary>
    CardUnblocked = 14,

    /// <summary>
    /// A Registration Authority ended one session or all of a user's sessions. <see cref="AuditRecord.UserId"/> and
    /// <see cref="AuditRecord.RoleProfileId"/> are the RA's, <see cref="AuditRecord.OdsCode"/> the RA role's
    /// organisation; the reason names the action, the subject and the RA's words. Each ended session also has its
    /// own <see cref="SessionEnded"/> record (reason <c>ended-by-ra</c>) naming the user whose session it was.
    /// </summary>
    SessionsEndedByRa = 15,

    /// <summary>
    /// A Registration Authority revoked a card (fields as <see cref="SessionsEndedByRa"/>, <see cref="AuditRecord.CardId"/>
    /// the card); the card's own <see cref="CardRevoked"/> record follows.
    /// </summary>
    CardRevokedByRa = 16,

    /// <summary>
    /// A Registration Authority searched (or exported) the audit trail: fields as <see cref="SessionsEndedByRa"/>; the
    /// reason names the filters. Only the first page of a search is recorded (its cursors cannot change the filters).
    /// </summary>
    AuditSearchedByRa = 17,

    /// <summary>
    /// A Registration Authority authorised a blocked card's PIN unblock at its own workstation (fields as
    /// <see cref="SessionsEndedByRa"/>, <see cref="AuditRecord.CardId"/> the card, <see cref="AuditRecord.WorkstationId"/>
    /// the RA's); the card's own <see cref="CardUnblockAuthorized"/> record precedes it.
    /// </summary>
    CardUnblockOrderedByRa = 18,

    /// <summary>
    /// An application was told by back-channel logout that a session ended (it answered 2xx): <see cref="AuditRecord.UserId"/>
    /// and <see cref="AuditRecord.SessionId"/> the session's; the reason names the client id and the attempts it took.
    /// </summary>
    BackChannelLogoutDelivered = 19,

    /// <summary>
    /// An application could not be told that a session ended: every attempt failed until the give-up time (fields as
    /// <see cref="BackChannelLogoutDelivered"/>, the reason also names the last failure). It is never sent again.
    /// </summary>
    BackChannelLogoutFailed = 20,

    /// <summary>
    /// A Registration Authority previewed a staff directory import (fields as <see cref="SessionsEndedByRa"/>): the
    /// reason counts the users and role profiles it would change and the live sessions it would end. Nothing changed.
    /// </summary>
    DirectoryPreviewedByRa = 22,

    /// <summary>
    /// A Registration Authority's directory import changed one user's entry (fields as <see cref="SessionsEndedByRa"/>):
    /// the reason names the user and the role profiles added, removed and changed, and the RA's words. Written before
    /// the change; each live session it ends has its own <see cref="SessionEnded"/> record (<c>role-removed</c>).
    /// </summary>
    DirectoryChangedByRa = 23,
}
