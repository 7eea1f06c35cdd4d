using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Tools.Pki;

/// <summary>
/// A certificate authority: its certificate with the private key. Issues CA, card, workstation and server
/// certificates and signs CRLs. Everything here is in memory so tests can make odd certificates (expired, wrong key
/// usage, other CA) with the same code the <c>ers pki</c> commands use.
/// </summary>
public sealed class CertificateAuthority(X509Certificate2 certificate)
{
    /// <summary>Extended key usage: TLS client authentication.</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Extended key usage: TLS server authentication.</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The name-constraints extension (RFC 5280 4.2.1.10).</summary>
    public const string NameConstraintsOid = "2.5.29.30";

    /// <summary>Extended key usage: smart card logon (Microsoft), which PIV authentication certificates carry.</summary>
    public const string SmartCardLogonOid = "1.3.6.1.4.1.311.20.2.2";

    public X509Certificate2 Certificate { get; } = certificate.HasPrivateKey
        ? certificate
        : throw new ArgumentException("A certificate authority needs its private key.", nameof(certificate));

    /// <summary>
    /// Creates a self-signed root CA (RSA-2048), with <paramref name="extensions"/> added (e.g. name constraints).
    /// </summary>
    public static CertificateAuthority CreateRoot(
        string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, IEnumerable<X509Extension>? extensions = null)
    {
        using var key = RSA.Create(2048);
        var request = CaRequest(subject, key);
        foreach (var extension in extensions ?? [])
        {
            request.CertificateExtensions.Add(extension);
        }

        request.CertificateExtensions.Add(new X509AuthorityKeyIdentifierExtension(
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(
                new X509SubjectKeyIdentifierExtension(request.PublicKey, false)).RawData, false));
        var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return new CertificateAuthority(certificate);
    }

    /// <summary>Creates a subordinate CA signed by this one.</summary>
    public CertificateAuthority CreateSubordinate(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = CaRequest(subject, key);
        request.CertificateExtensions.Add(AuthorityKeyId());
        using var issued = request.Create(Certificate, Clamp(notBefore), Clamp(notAfter), NewSerial());
        return new CertificateAuthority(issued.CopyWithPrivateKey(key));
    }

    /// <summary>
    /// Issues an end-entity certificate for <paramref name="key"/> (which may be RSA or ECDSA). The caller chooses
    /// key usages and extended key usages so tests can issue deliberately wrong certificates.
    /// </summary>
    public X509Certificate2 Issue(
        X500DistinguishedName subject,
        AsymmetricAlgorithm key,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        X509KeyUsageFlags keyUsage,
        IEnumerable<string> extendedKeyUsages,
        X509Extension? subjectAlternativeName = null,
        IEnumerable<string>? crlUrls = null,
        IEnumerable<string>? caIssuersUrls = null)
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException($"Unsupported key type {key.GetType().Name}.", nameof(key)),
        };
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, true));
        var ekus = new OidCollection();
        foreach (var oid in extendedKeyUsages)
        {
            ekus.Add(new Oid(oid));
        }

        if (ekus.Count > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(AuthorityKeyId());
        if (subjectAlternativeName is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeName);
        }

        var urls = crlUrls?.ToList();
        if (urls is { Count: > 0 })
        {
            request.CertificateExtensions.Add(
                CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(urls, false));
        }

        // Authority Information Access, where a chain builder allowed to download would fetch the issuer from.
        var issuers = caIssuersUrls?.ToList();
        if (issuers is { Count: > 0 })
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, issuers, false));
        }

        // The issuer's RSA key signs with PKCS#1 v1.5 whatever the subject's key type is.
        var generator = X509SignatureGenerator.CreateForRSA(Certificate.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);
        using var issued = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, NewSerial());
        return key switch
        {
            RSA rsa => issued.CopyWithPrivateKey(rsa),
            ECDsa ecdsa => issued.CopyWithPrivateKey(ecdsa),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Signs a CRL listing <paramref name="revoked"/>.</summary>
    public byte[] BuildCrl(
        IEnumerable<RevokedSerial> revoked,
        BigInteger crlNumber,
        DateTimeOffset thisUpdate,
        DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in revoked)
        {
            builder.AddEntry(Convert.FromHexString(entry.SerialNumber), entry.RevokedAt, entry.Reason);
        }

        return builder.Build(
            Certificate, crlNumber, nextUpdate, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, thisUpdate);
    }

    /// <summary>A fresh random positive 16-byte certificate serial number (RFC 5280 allows up to 20 octets).</summary>
    public static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    /// <summary>
    /// A critical name-constraints extension (RFC 5280 4.2.1.10) permitting only <c>localhost</c> (and names under
    /// it), 127.0.0.0/8 and ::1: a development CA with it cannot vouch for any other site, even when a developer has
    /// told a browser to trust it.
    /// </summary>
    public static X509Extension LoopbackNameConstraints()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            // permittedSubtrees [0] IMPLICIT GeneralSubtrees; each GeneralSubtree is a SEQUENCE { base GeneralName }.
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, "localhost", new Asn1Tag(TagClass.ContextSpecific, 2));
                }

                using (writer.PushSequence())
                {
                    writer.WriteOctetString([127, 0, 0, 0, 255, 0, 0, 0], new Asn1Tag(TagClass.ContextSpecific, 7));
                }

                using (writer.PushSequence())
                {
                    var loopback6 = new byte[32];
                    loopback6[15] = 1;
                    Array.Fill(loopback6, (byte)0xFF, 16, 16);
                    writer.WriteOctetString(loopback6, new Asn1Tag(TagClass.ContextSpecific, 7));
                }
            }
        }

        return new X509Extension(NameConstraintsOid, writer.Encode(), critical: true);
    }

    /// <summary>A subject alternative name carrying a card's UUID as <c>urn:uuid:...</c>, as PIV certificates do.</summary>
    public static X509Extension CardSubjectAlternativeName(Guid cardId)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddUri(new Uri($"urn:uuid:{cardId:D}"));
        return builder.Build();
    }

    /// <summary>The subject of a card certificate: the user's name and their UUID as SERIALNUMBER.</summary>
    public static X500DistinguishedName CardSubject(string name, string userId)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(name);
        builder.Add("2.5.4.5", userId, UniversalTagNumber.PrintableString);
        return builder.Build();
    }

    private static CertificateRequest CaRequest(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private X509AuthorityKeyIdentifierExtension AuthorityKeyId() =>
        X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false);

    // A subordinate must not outlive its issuer (CertificateRequest.Create refuses that).
    private DateTimeOffset Clamp(DateTimeOffset value) =>
        value > Certificate.NotAfter ? new DateTimeOffset(Certificate.NotAfter) :
        value < Certificate.NotBefore ? new DateTimeOffset(Certificate.NotBefore) : value;
}
