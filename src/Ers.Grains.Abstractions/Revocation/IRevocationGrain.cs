using Orleans.Concurrency;

namespace Ers.Revocation;

/// <summary>
/// The one owner of revocation state in the cluster (key 0): it reads the card and workstation CAs' CRLs (bounded,
/// conditional reads), verifies them, ends the sessions of cards whose certificate a new CRL revokes, and hands every
/// web node the same versioned snapshot to enforce.
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
}
