using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Web.Security;

/// <summary>Verifies a card's signature over a challenge with the public key of its validated certificate.</summary>
public static class CardSignatures
{
    /// <summary>Signatures longer than this are refused without any crypto (RSA-4096 is 512 bytes).</summary>
    public const int MaxSignatureLength = 1024;

    public static bool Verify(ValidatedCard card, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty || signature.Length > MaxSignatureLength)
        {
            return false;
        }

        switch (card.Algorithm)
        {
            case CardKeyAlgorithm.RsaPkcs1Sha256:
                {
                    using var rsa = card.Certificate.GetRSAPublicKey()!;
                    return rsa.VerifyData(challenge, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

            case CardKeyAlgorithm.EcdsaP256Sha256:
                {
                    using var ecdsa = card.Certificate.GetECDsaPublicKey()!;
                    // A PIV card returns DER; software keys often give r||s (IEEE P1363, always 64 bytes). A 64-byte
                    // value not starting with a SEQUENCE tag is P1363; one that does may be either, so both are tried.
                    var format = signature.Length == 64 && signature[0] != 0x30
                        ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation
                        : DSASignatureFormat.Rfc3279DerSequence;
                    return ecdsa.VerifyData(challenge, signature, HashAlgorithmName.SHA256, format)
                        || (format == DSASignatureFormat.Rfc3279DerSequence && signature.Length == 64
                            && ecdsa.VerifyData(challenge, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
                }

            default:
                return false;
        }
    }
}
