using System.Security.Cryptography;
using Ers.Cards;

namespace Ers.Grains.Cards;

/// <summary>Verifies a card's signature over its login statement with the public key of its validated certificate.</summary>
public static class CardSignatures
{
    /// <summary>Signatures longer than this are refused without any crypto (RSA-4096 is 512 bytes).</summary>
    public const int MaxSignatureLength = 1024;

    public static bool Verify(CardKey key, ReadOnlySpan<byte> statement, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (signature.IsEmpty || signature.Length > MaxSignatureLength)
        {
            return false;
        }

        try
        {
            switch (key.Algorithm)
            {
                case CardKeyAlgorithm.RsaPkcs1Sha256:
                    {
                        using var rsa = RSA.Create();
                        rsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
                        return rsa.VerifyData(statement, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    }

                case CardKeyAlgorithm.EcdsaP256Sha256:
                    {
                        using var ecdsa = ECDsa.Create();
                        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
                        // A PIV card returns DER; software keys often give r||s (IEEE P1363, always 64 bytes). A 64-byte
                        // value not starting with a SEQUENCE tag is P1363; one that does may be either, so both are tried.
                        var format = signature.Length == 64 && signature[0] != 0x30
                            ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation
                            : DSASignatureFormat.Rfc3279DerSequence;
                        return ecdsa.VerifyData(statement, signature, HashAlgorithmName.SHA256, format)
                            || (format == DSASignatureFormat.Rfc3279DerSequence && signature.Length == 64
                                && ecdsa.VerifyData(statement, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
                    }

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            // A key the edge passed that is not of its algorithm's shape verifies nothing.
            return false;
        }
    }
}
