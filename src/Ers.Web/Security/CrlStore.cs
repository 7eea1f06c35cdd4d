using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Ers.Web.Security;

/// <summary>
/// The certificate revocation lists of a set of CAs. Each CRL is read from a file or URL, its signature is verified
/// against the CA certificate whose subject is the CRL's issuer, and it replaces the one held only if it is newer.
/// A CRL that fails to load or verify is ignored (the one held stays and goes stale at its nextUpdate).
/// Reads are lock-free: a refresh swaps one immutable snapshot.
/// </summary>
public sealed class CrlStore
{
    private readonly IReadOnlyList<string> _sources;
    private readonly IReadOnlyList<(X509Certificate2 Dotnet, BcCertificate Bc, string Hash)> _authorities;
    private readonly TimeProvider _time;
    private readonly HttpClient? _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, CrlEntry>.Empty, 0);

    public CrlStore(IReadOnlyList<string> sources, IEnumerable<X509Certificate2> authorities, TimeProvider time,
        ILogger logger, HttpClient? http = null)
    {
        _sources = sources;
        var parser = new X509CertificateParser();
        _authorities = authorities
            .Select(ca => (ca, parser.ReadCertificate(ca.RawData), CertificateIds.HashOf(ca)))
            .ToList();
        _time = time;
        _logger = logger;
        _http = http;
    }

    /// <summary>Raised after a refresh for the certificates that the new CRLs revoke and the old ones did not.</summary>
    public event Action<IReadOnlyList<CertificateId>>? CertificatesRevoked;

    /// <summary>Increases whenever the held CRLs change; cached validations compare it to re-check revocation.</summary>
    public long Generation => _snapshot.Generation;

    /// <summary>The earliest nextUpdate of the CRLs held, when a refresh is due at the latest.</summary>
    public DateTimeOffset? EarliestNextUpdate =>
        _snapshot.ByIssuer.Count == 0 ? null : _snapshot.ByIssuer.Values.Min(c => c.NextUpdate);

    /// <summary>The oldest thisUpdate of the CRLs held (what <c>ers.crl.age</c> reports), or null before any loaded.</summary>
    public DateTimeOffset? OldestThisUpdate => _snapshot.ByIssuer.Count == 0 ? null : _snapshot.ByIssuer.Values.Min(c => c.ThisUpdate);

    public RevocationStatus Check(CertificateId id, StaleCrlPolicy policy)
    {
        if (!_snapshot.ByIssuer.TryGetValue(id.IssuerHash, out var crl))
        {
            return RevocationStatus.Unknown;
        }

        if (crl.Revoked.Contains(id.SerialNumber))
        {
            return RevocationStatus.Revoked;
        }

        var stale = _time.GetUtcNow() >= crl.NextUpdate;
        return stale && policy == StaleCrlPolicy.FailClosed ? RevocationStatus.Unknown : RevocationStatus.Good;
    }

    /// <summary>True when a CRL signed by the CA with this hash is held (fresh or not).</summary>
    public bool HasCrlFor(string issuerHash) => _snapshot.ByIssuer.ContainsKey(issuerHash);

    /// <summary>Re-reads every source. Returns the certificates newly revoked.</summary>
    public async Task<IReadOnlyList<CertificateId>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var current = _snapshot;
            var next = current.ByIssuer.ToDictionary();
            foreach (var source in _sources)
            {
                try
                {
                    var bytes = await ReadAsync(source, cancellationToken);
                    var crl = new X509CrlParser().ReadCrl(bytes)
                        ?? throw new CryptographicException("not a CRL");
                    var (entry, issuerHash) = Verify(crl, source);
                    if (!next.TryGetValue(issuerHash, out var held) || entry.ThisUpdate >= held.ThisUpdate)
                    {
                        next[issuerHash] = entry;
                    }
                }
                catch (Exception e) when (e is IOException or HttpRequestException or CryptographicException
                    or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Security.InvalidKeyException
                    or Org.BouncyCastle.Security.Certificates.CrlException or UnauthorizedAccessException
                    or TaskCanceledException or ArgumentException or InvalidOperationException)
                {
                    _logger.CrlSourceNotUsed(source, e.Message);
                }
            }

            var newlyRevoked = new List<CertificateId>();
            var changed = next.Count != current.ByIssuer.Count;
            foreach (var (issuer, entry) in next)
            {
                current.ByIssuer.TryGetValue(issuer, out var before);
                if (!ReferenceEquals(before, entry))
                {
                    changed = true;
                    newlyRevoked.AddRange(entry.Revoked
                        .Where(serial => before is null || !before.Revoked.Contains(serial))
                        .Select(serial => new CertificateId(issuer, serial)));
                }
            }

            if (changed)
            {
                _snapshot = new Snapshot(next.ToFrozenDictionary(), current.Generation + 1);
            }

            if (newlyRevoked.Count > 0)
            {
                CertificatesRevoked?.Invoke(newlyRevoked);
            }

            return newlyRevoked;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private (CrlEntry Entry, string IssuerHash) Verify(X509Crl crl, string source)
    {
        foreach (var (_, bc, hash) in _authorities)
        {
            if (!bc.SubjectDN.Equivalent(crl.IssuerDN))
            {
                continue;
            }

            try
            {
                crl.Verify(bc.GetPublicKey());
            }
            catch (Exception e) when (e is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException
                or Org.BouncyCastle.Security.Certificates.CrlException)
            {
                continue;
            }

            var revoked = ((IEnumerable<X509CrlEntry>?)crl.GetRevokedCertificates() ?? [])
                .Select(e => CertificateIds.NormaliseSerial(e.SerialNumber.ToByteArrayUnsigned()))
                .ToFrozenSet(StringComparer.Ordinal);
            var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(crl.ThisUpdate, DateTimeKind.Utc));
            // A CRL without nextUpdate is treated as due at once: it can be used only under UseLastKnown.
            var nextUpdate = crl.NextUpdate is { } n ? new DateTimeOffset(DateTime.SpecifyKind(n, DateTimeKind.Utc)) : thisUpdate;
            return (new CrlEntry(thisUpdate, nextUpdate, revoked), hash);
        }

        throw new CryptographicException($"no configured CA with subject '{crl.IssuerDN}' verifies the CRL from {source}");
    }

    private async Task<byte[]> ReadAsync(string source, CancellationToken cancellationToken)
    {
        if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
            source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (_http is null)
            {
                throw new InvalidOperationException("no HTTP client for CRL URLs");
            }

            return await _http.GetByteArrayAsync(new Uri(source), cancellationToken);
        }

        return await File.ReadAllBytesAsync(source, cancellationToken);
    }

    private sealed record CrlEntry(DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, FrozenSet<string> Revoked);

    private sealed record Snapshot(FrozenDictionary<string, CrlEntry> ByIssuer, long Generation);
}
