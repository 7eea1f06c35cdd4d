using System.Collections.Frozen;
using Ers.Revocation;

namespace Ers.Web.Security;

/// <summary>
/// The CRLs of one kind of CA as this web node enforces them: what the cluster's revocation owner (the silo's
/// <c>RevocationGrain</c>, src/Ers.Grains/Revocation/RevocationGrain.cs) last published, verified there, and the
/// certificates Ers itself revoked (a Registration Authority revoked their card), refused as a CRL's entries are.
/// Reads are lock-free: <see cref="Apply"/> swaps one immutable snapshot.
/// </summary>
public sealed class CrlStore(TimeProvider time)
{
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, Entry>.Empty, FrozenSet<CertificateId>.Empty, 0);

    /// <summary>
    /// Raised after <see cref="Apply"/> for the certificates the new CRLs (or Ers's own list) revoke and the old ones
    /// did not.
    /// </summary>
    public event Action<IReadOnlyList<CertificateId>>? CertificatesRevoked;

    /// <summary>Increases whenever the held CRLs change; cached validations compare it to re-check revocation.</summary>
    public long Generation => _snapshot.Generation;

    /// <summary>The earliest nextUpdate of the CRLs held.</summary>
    public DateTimeOffset? EarliestNextUpdate =>
        _snapshot.ByIssuer.Count == 0 ? null : _snapshot.ByIssuer.Values.Min(c => c.Crl.NextUpdate);

    /// <summary>The oldest thisUpdate of the CRLs held (what <c>ers.crl.age</c> reports), or null before any loaded.</summary>
    public DateTimeOffset? OldestThisUpdate => _snapshot.ByIssuer.Count == 0 ? null : _snapshot.ByIssuer.Values.Min(c => c.Crl.ThisUpdate);

    public RevocationStatus Check(CertificateId id, StaleCrlPolicy policy)
    {
        var snapshot = _snapshot;
        if (snapshot.RevokedByErs.Contains(id))
        {
            return RevocationStatus.Revoked;
        }

        if (!snapshot.ByIssuer.TryGetValue(id.IssuerHash, out var entry))
        {
            return RevocationStatus.Unknown;
        }

        if (entry.Revoked.Contains(id.SerialNumber))
        {
            return RevocationStatus.Revoked;
        }

        // Past nextUpdate plus the stale window (the silo's CrlMaxStaleness) with no fresher CRL: fail closed.
        var stale = time.GetUtcNow() >= entry.Crl.UsableUntil;
        return stale && policy == StaleCrlPolicy.FailClosed ? RevocationStatus.Unknown : RevocationStatus.Good;
    }

    /// <summary>True when a CRL signed by the CA with this hash is held (fresh or not).</summary>
    public bool HasCrlFor(string issuerHash) => _snapshot.ByIssuer.ContainsKey(issuerHash);

    /// <summary>True when the CRL of the CA with this hash, or Ers's own list, revokes the serial (whatever the CRL's freshness).</summary>
    public bool Revokes(string issuerHash, string serial)
    {
        var snapshot = _snapshot;
        return snapshot.RevokedByErs.Contains(new CertificateId(issuerHash, serial))
            || (snapshot.ByIssuer.TryGetValue(issuerHash, out var entry) && entry.Revoked.Contains(serial));
    }

    /// <summary>
    /// Holds <paramref name="crls"/> and <paramref name="revokedByErs"/> (the certificates Ers revoked) instead of what
    /// was held. Returns the certificates newly revoked.
    /// </summary>
    public IReadOnlyList<CertificateId> Apply(IReadOnlyList<PublishedCrl> crls, IEnumerable<CertificateId>? revokedByErs = null)
    {
        var current = _snapshot;
        var ers = (revokedByErs ?? []).ToFrozenSet();
        var next = crls.ToFrozenDictionary(c => c.IssuerHash, c => new Entry(c, c.RevokedSerials.ToFrozenSet(StringComparer.Ordinal)), StringComparer.Ordinal);
        var newlyRevoked = new List<CertificateId>();
        foreach (var (issuer, entry) in next)
        {
            current.ByIssuer.TryGetValue(issuer, out var before);
            newlyRevoked.AddRange(entry.Revoked
                .Where(serial => before is null || !before.Revoked.Contains(serial))
                .Select(serial => new CertificateId(issuer, serial)));
        }

        // A set, not the list: both the CRLs' newly revoked and Ers's own list can hold thousands on a node's first apply.
        var listed = newlyRevoked.ToHashSet();
        newlyRevoked.AddRange(ers.Where(id => !current.RevokedByErs.Contains(id) && listed.Add(id)));
        _snapshot = new Snapshot(next, ers, current.Generation + 1);
        if (newlyRevoked.Count > 0)
        {
            CertificatesRevoked?.Invoke(newlyRevoked);
        }

        return newlyRevoked;
    }

    private sealed record Entry(PublishedCrl Crl, FrozenSet<string> Revoked);

    private sealed record Snapshot(FrozenDictionary<string, Entry> ByIssuer, FrozenSet<CertificateId> RevokedByErs, long Generation);
}
