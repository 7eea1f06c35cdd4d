using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Tools.Pki;

namespace Ers.Testing.Pki;

/// <summary>
/// A smartcard whose key lives in memory: its id (the CHUID GUID), its PIV Authentication certificate and a
/// signer that answers challenges the way a PIV card does (RSA PKCS#1 v1.5 over SHA-256; ECDSA P-256 in DER).
/// </summary>
public sealed class TestCard(string cardId, X509Certificate2 certificate)
{
    public string CardId { get; } = cardId;

    public X509Certificate2 Certificate { get; } = certificate;

    public byte[] CertificateDer => Certificate.RawData;

    public string SerialNumber => Certificate.SerialNumber;

    /// <summary>
    /// Signs the login statement of <paramref name="challenge"/> as the agent builds it: the origin of
    /// <paramref name="server"/> (the address the workstation talks to), the workstation id and this card's id.
    /// </summary>
    public byte[] SignStatement(Uri server, string workstationId, CardInsertedResponse challenge) =>
        Sign(LoginStatement.Build(LoginStatement.Origin(server), workstationId, CardId, challenge.ChallengeId, challenge.Nonce));

    /// <summary>Signs <paramref name="challenge"/> as given (a raw challenge, or a statement a test built).</summary>
    public byte[] Sign(byte[] challenge)
    {
        using var rsa = Certificate.GetRSAPrivateKey();
        if (rsa is not null)
        {
            return rsa.SignData(challenge, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = Certificate.GetECDsaPrivateKey()!;
        return ecdsa.SignData(challenge, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Issues a card the usual way (digitalSignature, clientAuth, card UUID in the SAN), or with overrides.</summary>
    public static TestCard Issue(
        CertificateAuthority issuer,
        string userId,
        string name,
        KeyAlgorithm algorithm,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature)
    {
        var cardId = Guid.NewGuid();
        using AsymmetricAlgorithm key = algorithm == KeyAlgorithm.Rsa2048 ? TestKeys.Rsa() : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = issuer.Issue(
            CertificateAuthority.CardSubject(name, userId), key, notBefore, notAfter, keyUsage,
            [CertificateAuthority.ClientAuthOid], CertificateAuthority.CardSubjectAlternativeName(cardId));
        return new TestCard(cardId.ToString("D"), certificate);
    }

    /// <summary>
    /// Issues a card on <paramref name="pki"/>'s smartcard CA and records it among the PKI's issued certificates, as
    /// the RA's issuance does, so that a revocation of it can be published.
    /// </summary>
    public static TestCard IssueRecorded(
        DevPki pki,
        string userId,
        string name,
        KeyAlgorithm algorithm,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature)
    {
        var card = Issue(pki.SmartcardIssuing, userId, name, algorithm, notBefore, notAfter, keyUsage);
        pki.RecordIssued(card.Certificate, DevPki.SmartcardIssuingName, "card");
        return card;
    }
}
