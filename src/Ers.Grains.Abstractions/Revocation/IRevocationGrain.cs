using Orleans.Concurrency;

namespace Ers.Revocation;

/// <summary>
/// The one owner of revocation state in the cluster (key 0): it reads the card and workstation CAs' CRLs (bounded,
/// conditional reads), verifies them, ends the sessions of cards whose certificate a new CRL revokes, keeps the list
/// of card certificates Ers itself revoked, and hands every web node the same versioned snapshot to enforce.
/// </summary>
[Alias("ers.IRevocationGrain")]
public interface IRevocationGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The current snapshot when its version differs from <paramref name="knownVersion"/>, else null (the cheap poll
    /// every web node makes each second). Interleaves with a refresh in progress: it only reads the held snapshot.
    /// </summary>
    [AlwaysInterleave, Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetIfNewer")]
    Task<RevocationSnapshot?> GetIfNewerAsync(long knownVersion);

    /// <summary>
    /// Re-reads every CRL source now (the operator's "refresh now"), whatever its schedule or back-off, and returns
    /// the snapshot that results.
    /// </summary>
    [Alias("RefreshNow")]
    Task<RevocationSnapshot> RefreshNowAsync();

    /// <summary>
    /// Adds card certificates Ers revoked (a Registration Authority revoked their card) to the cluster's persisted list
    /// of Ers revocations, which the snapshot carries (<see cref="RevocationSnapshot.RevokedByErs"/>) so that every web
    /// node refuses them at its certificate check within a poll. A certificate already listed keeps its first entry.
    /// Returns the version of the snapshot that holds them.
    /// </summary>
    [Alias("RevokeCertificates")]
    Task<long> RevokeCertificatesAsync(IReadOnlyList<RevokedCertificate> certificates);

    /// <summary>
    /// <see cref="RevokeCertificatesAsync"/>, one-way, for a certificate grain: the revocation owner may itself be
    /// waiting on that grain (a CRL refresh revoking its cards), so the certificate grain must not wait on the owner.
    /// </summary>
    [OneWay, Alias("RevokeCertificatesFromCertificate")]
    Task RevokeCertificatesFromCertificateAsync(IReadOnlyList<RevokedCertificate> certificates);

    /// <summary>The card certificates Ers revoked, oldest first (what a CA's CRL or OCSP responder is fed).</summary>
    [AlwaysInterleave, Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetRevokedByErs")]
    Task<IReadOnlyList<RevokedCertificate>> GetRevokedByErsAsync();
}
