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

    /// <summary>The card is in a reader of this workstation. Refused for a blocked or revoked card.</summary>
    [Alias("Inserted")]
    Task<Outcome<CardSnapshot>> InsertedAsync(string workstationId);

    /// <summary>
    /// The card proved itself (fresh signature verified by the caller) for a user at a workstation: start a session
    /// carried by this card. Refused when the card is revoked, blocked, not inserted there, or the session is refused.
    /// A session the card carried before is superseded.
    /// </summary>
    [Alias("StartSession")]
    Task<Outcome<Sessions.SessionSnapshot>> StartSessionAsync(string workstationId, string userId, string sessionId);

    /// <summary>
    /// Consumes a login challenge issued to this card: true the first time a challenge id is presented, false for
    /// every replay. One activation owns the card cluster-wide, so this is single use across the cluster. Ids are
    /// remembered (persisted) until <paramref name="expiresAt"/>, after which the challenge is refused as expired
    /// before it gets here.
    /// </summary>
    [Alias("ConsumeChallenge")]
    Task<bool> ConsumeChallengeAsync(string challengeId, DateTimeOffset expiresAt);

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
