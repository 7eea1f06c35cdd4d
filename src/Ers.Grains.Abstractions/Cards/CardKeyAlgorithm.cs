namespace Ers.Cards;

/// <summary>The card key types Ers accepts, with the signature each must produce over a challenge.</summary>
public enum CardKeyAlgorithm
{
    /// <summary>RSA-2048 or larger, PKCS#1 v1.5 signature over SHA-256 of the challenge.</summary>
    RsaPkcs1Sha256 = 1,

    /// <summary>ECDSA P-256 over SHA-256 of the challenge; DER (as PIV cards return it) or IEEE P1363.</summary>
    EcdsaP256Sha256 = 2,
}
