using System.Security.Cryptography.X509Certificates;
using Ers.Api;

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

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }
}

/// <summary>The card key types Ers accepts, with the signature each must produce over a challenge.</summary>
public enum CardKeyAlgorithm
{
    /// <summary>RSA-2048 or larger, PKCS#1 v1.5 signature over SHA-256 of the challenge.</summary>
    RsaPkcs1Sha256 = 1,

    /// <summary>ECDSA P-256 over SHA-256 of the challenge; DER (as PIV cards return it) or IEEE P1363.</summary>
    EcdsaP256Sha256 = 2,
}

public static class CardKeyAlgorithms
{
    public static string Name(this CardKeyAlgorithm algorithm) => algorithm switch
    {
        CardKeyAlgorithm.RsaPkcs1Sha256 => "RSA-PKCS1-SHA256",
        CardKeyAlgorithm.EcdsaP256Sha256 => "ECDSA-P256-SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}

/// <summary>
/// A certificate as a CRL names it: the issuing CA (SHA-256 of the CA certificate, hex) and the serial number
/// (upper-case hex, no leading zero bytes).
/// </summary>
public readonly record struct CertificateId(string IssuerHash, string SerialNumber);

/// <summary>The answer of <see cref="CardCertificateValidator"/>: a card, or a refusal code from <see cref="ApiErrorCodes"/>.</summary>
public sealed record CardValidationResult(ValidatedCard? Card, string? ErrorCode, string? Message, CertificateWarning? Warning)
{
    public bool IsValid => Card is not null;

    public static CardValidationResult Valid(ValidatedCard card, CertificateWarning? warning) => new(card, null, null, warning);

    public static CardValidationResult Invalid(string code, string message) => new(null, code, message, null);
}
