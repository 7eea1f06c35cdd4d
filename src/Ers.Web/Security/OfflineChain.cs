using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Web.Security;

/// <summary>
/// Chains of client certificates are built offline (issue 13, hostile workstation): a certificate names URLs
/// (Authority Information Access caIssuers, CRL distribution points) that a chain builder allowed to download fetches
/// from the web node while the handshake or the request waits; a hostile client would choose them. Ers's revocation
/// comes from its own CRL store (<see cref="CrlStore"/>), so no chain build here ever needs the network.
/// </summary>
public static class OfflineChain
{
    /// <summary>
    /// A policy trusting <paramref name="anchors"/> alone, with no download (issuers, CRLs, OCSP) and no revocation
    /// check; a new one each call, since the TLS stack and <see cref="X509Chain"/> may add to the one they are given.
    /// </summary>
    public static X509ChainPolicy Policy(X509Certificate2Collection anchors)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(anchors);
        return policy;
    }

    /// <summary>
    /// Whether one of <paramref name="authorities"/> signed <paramref name="certificate"/> itself: its issuer name is that
    /// authority's subject, byte for byte, and the signature verifies with that authority's key. No chain is built, so
    /// nothing is fetched; ASP.NET Core's certificate handler, which builds its chain with downloads allowed, is reached
    /// only by certificates this admits, whose issuer it then finds in its trust store.
    /// </summary>
    public static bool IsIssuedByOneOf(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        foreach (var authority in authorities)
        {
            if (certificate.IssuerName.RawData.AsSpan().SequenceEqual(authority.SubjectName.RawData) && IsSignedBy(certificate, authority))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        try
        {
            // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
            var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER);
            var outer = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var signed = outer.ReadEncodedValue();
            var algorithm = outer.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData)
            {
                // RSA PKCS#1 names NULL parameters; an algorithm with real ones (RSASSA-PSS) is not one Ers accepts.
                algorithm.ReadNull();
            }

            algorithm.ThrowIfNotEmpty();
            var signature = outer.ReadBitString(out var unusedBits);
            outer.ThrowIfNotEmpty();
            if (unusedBits != 0)
            {
                return false;
            }

            return oid switch
            {
                "1.2.840.113549.1.1.11" => VerifyRsa(authority, signed.Span, signature, HashAlgorithmName.SHA256),
                "1.2.840.113549.1.1.12" => VerifyRsa(authority, signed.Span, signature, HashAlgorithmName.SHA384),
                "1.2.840.113549.1.1.13" => VerifyRsa(authority, signed.Span, signature, HashAlgorithmName.SHA512),
                "1.2.840.10045.4.3.2" => VerifyEcdsa(authority, signed.Span, signature, HashAlgorithmName.SHA256),
                "1.2.840.10045.4.3.3" => VerifyEcdsa(authority, signed.Span, signature, HashAlgorithmName.SHA384),
                "1.2.840.10045.4.3.4" => VerifyEcdsa(authority, signed.Span, signature, HashAlgorithmName.SHA512),
                _ => false,
            };
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return false;
        }
    }

    private static bool VerifyRsa(X509Certificate2 authority, ReadOnlySpan<byte> signed, byte[] signature, HashAlgorithmName hash)
    {
        using var key = authority.GetRSAPublicKey();
        return key is not null && key.VerifyData(signed, signature, hash, RSASignaturePadding.Pkcs1);
    }

    private static bool VerifyEcdsa(X509Certificate2 authority, ReadOnlySpan<byte> signed, byte[] signature, HashAlgorithmName hash)
    {
        using var key = authority.GetECDsaPublicKey();
        return key is not null && key.VerifyData(signed, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }
}
