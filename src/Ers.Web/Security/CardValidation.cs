using System.Security.Cryptography.X509Certificates;
using Ers.Cards;

namespace Ers.Web.Security;

/// <summary>A card certificate that passed every check, with what the rest of the login needs from it.</summary>
public sealed class ValidatedCard
{
    internal ValidatedCard(X509Certificate2 certificate, byte[] certificateHash, string userId, string userName,
        Guid? cardUuid, CertificateId id, CardKeyAlgorithm algorithm)
    {
        Certificate = certificate;
        CertificateHash = certificateHash;
        UserId = userId;
        UserName = userName;
        CardUuid = cardUuid;
        Id = id;
        Algorithm = algorithm;
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        Key = new CardKey(userId, algorithm, certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate's DER bytes: the cache key and what challenges are bound to.</summary>
    public byte[] CertificateHash { get; }

    public string UserId { get; }

    public string UserName { get; }

    /// <summary>The card UUID the certificate names (subject alternative name <c>urn:uuid:</c>), if any.</summary>
    public Guid? CardUuid { get; }

    /// <summary>Issuer and serial: what a CRL names.</summary>
    public CertificateId Id { get; }

    public CardKeyAlgorithm Algorithm { get; }

    /// <summary>Who the card is for and its public key, as the card grain binds its login challenge to them.</summary>
    public CardKey Key { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }
}
