using Orleans.Concurrency;

namespace Ers.Cards;

/// <summary>
/// One per card (key: the card id from its CHUID). A card carries at most one live session; removing it, revoking it
/// or blocking it ends that session.
/// </summary>
[Alias("ers.ICardGrain")]
public interface ICardGrain : IGrainWithStringKey
{
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Get")]
    Task<CardSnapshot> GetAsync();

    /// <summary>
    /// The card is in a reader of this workstation (no login: an RA's unblock, a card seen before its certificate is
    /// read). Refused for a revoked card. Where the card is held (or nowhere) it is inserted there and what it carried
    /// ends; a workstation that does not hold it only reports it, and the card moves when it signs there.
    /// </summary>
    [Alias("Inserted")]
    Task<Outcome<CardSnapshot>> InsertedAsync(string workstationId);

    /// <summary>
    /// A workstation presented the card with the certificate the edge validated (<paramref name="key"/>): as
    /// <see cref="InsertedAsync"/>, and a login challenge issued to that workstation for that key, which the card
    /// answers with <see cref="AuthenticateAsync"/>.
    /// </summary>
    [Alias("Presented")]
    Task<Outcome<CardPresented>> PresentedAsync(string workstationId, CardKey key);

    /// <summary>
    /// The card's answer to a challenge of <see cref="PresentedAsync"/>: the login statement is rebuilt on the silo
    /// and the signature verified with the presented key; then the challenge is used up and a session (its id chosen
    /// here) starts, carried by this card, superseding one the card carried before. Refused, audited and counted in
    /// <c>ers.logins</c>, changing nothing but the challenge's use: a challenge this card did not issue
    /// (<c>challenge.invalid</c>), past its lifetime (<c>challenge.expired</c>), issued to another workstation
    /// (<c>challenge.other-workstation</c>), a signature that does not verify (<c>signature.invalid</c>), a challenge
    /// answered before (<c>challenge.used</c>); then the card's and the session's own refusals (revoked, blocked, not
    /// inserted there, the concurrent-session policy).
    /// </summary>
    [Alias("Authenticate")]
    Task<Outcome<Sessions.SessionSnapshot>> AuthenticateAsync(CardLogin login);

    /// <summary>
    /// The card left a reader of this workstation: its session ends. Refused (<c>card.not-inserted</c>,
    /// <c>card.other-workstation</c>, audited, nothing changed) when this workstation does not hold the card; a
    /// workstation that only reported the card inserted (it has not proven it yet) withdraws that report.
    /// </summary>
    [Alias("Removed.v2")]
    Task<Outcome<CardSnapshot>> RemovedAsync(string workstationId);

    /// <summary>The card's certificate is revoked: it can no longer log in and its session ends.</summary>
    [Alias("Revoke")]
    Task RevokeAsync();

    /// <summary>
    /// A Registration Authority revokes the card: as <see cref="RevokeAsync"/>, and the RA's revocation is kept with
    /// the card (the first one, if revoked again). Returns the card and the certificates it logged in with, which the
    /// caller publishes as revoked (<see cref="Revocation.IRevocationGrain.RevokeCertificatesAsync"/>). Whether this RA
    /// may act for this card's user is the caller's check.
    /// </summary>
    [Alias("RevokeByRa")]
    Task<RevokedCard> RevokeByRaAsync(CardRevocation revocation);

    /// <summary>The certificates the card logged in with, oldest first (a few at most).</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetCertificates")]
    Task<IReadOnlyList<CardCertificate>> GetCertificatesAsync();

    /// <summary>
    /// The card logged in with this certificate (issuer hash and serial as a CRL names them): remembered, a few at
    /// most. Returns the RA's revocation when an RA revoked the card (a certificate learnt after the revocation,
    /// which the caller must then publish as revoked too), else null.
    /// </summary>
    [Alias("CertificateUsed")]
    Task<CardRevocation?> CertificateUsedAsync(string issuerHash, string serialNumber);

    /// <summary>
    /// The agent of the workstation holding the card reports its PIN blocked: its session ends. Refused
    /// (<c>card.not-inserted</c>, <c>card.other-workstation</c>, audited, nothing changed) from any other workstation.
    /// </summary>
    [Alias("Blocked.v2")]
    Task<Outcome<CardSnapshot>> BlockedAsync(string workstationId);

    /// <summary>
    /// A Registration Authority (<paramref name="raUserId"/>, working in <paramref name="raRoleProfileId"/> for the
    /// organisation <paramref name="raOdsCode"/>) authorises
    /// unblocking this card's PIN at its own workstation <paramref name="workstationId"/>: an order open for
    /// <c>UnblockRules.Lifetime</c>, which the agent there learns of when the card is inserted (<c>InsertedAsync</c>'s
    /// snapshot) and uses with the card's PUK. Whether this RA may act for this card's user is the caller's check (the
    /// RA console's permission rules); this grain checks the card. Refused (audited, nothing changed) for a revoked
    /// card or one Ers has not seen blocked. A new order replaces an open one. Audited as <c>CardUnblockAuthorized</c>.
    /// </summary>
    [Alias("AuthorizeUnblock")]
    Task<Outcome<UnblockOrder>> AuthorizeUnblockAsync(string raUserId, string raRoleProfileId, string workstationId, string? raOdsCode = null);

    /// <summary>
    /// The agent of <paramref name="workstationId"/> reports what the card answered its RESET RETRY COUNTER. Accepted
    /// only from the order's workstation, while the order is open and that workstation holds the card (or reported it
    /// inserted); anything else is refused (<c>unblock.no-order</c>, <c>unblock.order-expired</c>,
    /// <c>unblock.other-workstation</c>, <c>card.not-inserted</c>, <c>card.revoked</c>), audited, and changes nothing.
    /// <see cref="UnblockResult.Unblocked"/> consumes the order and makes the card usable (Inserted at that
    /// workstation); a wrong or blocked PUK is audited and leaves the order open until it expires.
    /// </summary>
    [Alias("UnblockReported")]
    Task<Outcome<CardSnapshot>> UnblockReportedAsync(string workstationId, UnblockResult result);

    /// <summary>Called by the session grain when the card's session ended for any reason.</summary>
    /// <remarks>One-way: the card may itself be waiting on the session that ends (no call cycle, no deadlock).</remarks>
    [Alias("SessionEnded"), OneWay]
    Task SessionEndedAsync(string sessionId);
}
