using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Ers.Grains.Revocation;

/// <summary>
/// The CA certificates whose CRLs are believed. Parses and verifies a CRL: its issuer must be one of them and its
/// signature must verify with that CA's key; anything else is refused (<see cref="CryptographicException"/>).
/// </summary>
public sealed class CrlAuthorities
{
    private readonly IReadOnlyList<(X509Certificate2 Certificate, BcCertificate Bc, string Hash)> _authorities;

    public CrlAuthorities(IEnumerable<X509Certificate2> authorities)
    {
        var parser = new X509CertificateParser();
        _authorities = [.. authorities.Select(ca => (ca, parser.ReadCertificate(ca.RawData), CertificateHashes.HashOf(ca)))];
    }

    /// <summary>The CAs, for the caller that maps a revoked CA serial to the CA it names.</summary>
    public IEnumerable<X509Certificate2> Certificates => _authorities.Select(a => a.Certificate);

    /// <summary>Reads the PEM files; a file that cannot be read stops with a message naming the setting.</summary>
    public static CrlAuthorities Load(IEnumerable<string> pemFiles, string setting)
    {
        var collection = new X509Certificate2Collection();
        foreach (var path in pemFiles)
        {
            try
            {
                collection.ImportFromPemFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new InvalidOperationException($"{setting}: cannot read '{path}': {e.Message}", e);
            }
        }

        return new CrlAuthorities(collection);
    }

    /// <summary>Parses DER or PEM bytes and verifies them. Throws <see cref="CryptographicException"/> when refused.</summary>
    public VerifiedCrl Verify(byte[] bytes)
    {
        X509Crl? crl;
        try
        {
            crl = new X509CrlParser().ReadCrl(bytes);
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.Certificates.CrlException or IOException or ArgumentException
            or InvalidOperationException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            throw new CryptographicException("not a CRL: " + e.Message, e);
        }

        if (crl is null)
        {
            throw new CryptographicException("not a CRL");
        }

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
                or Org.BouncyCastle.Security.Certificates.CrlException or Org.BouncyCastle.Security.SecurityUtilityException)
            {
                continue;
            }

            var revoked = ((IEnumerable<X509CrlEntry>?)crl.GetRevokedCertificates() ?? [])
                .Select(e => CertificateHashes.NormaliseSerial(e.SerialNumber.ToByteArrayUnsigned()))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(crl.ThisUpdate, DateTimeKind.Utc));
            // A CRL without nextUpdate is treated as due at once: it can be used only within the stale window.
            var nextUpdate = crl.NextUpdate is { } n ? new DateTimeOffset(DateTime.SpecifyKind(n, DateTimeKind.Utc)) : thisUpdate;
            return new VerifiedCrl(hash, thisUpdate, nextUpdate, revoked);
        }

        throw new CryptographicException($"no configured CA with subject '{crl.IssuerDN}' verifies the CRL");
    }
}
