using Ers.Cards;

namespace Ers.Web.Security;

public static class CardKeyAlgorithms
{
    public static string Name(this CardKeyAlgorithm algorithm) => algorithm switch
    {
        CardKeyAlgorithm.RsaPkcs1Sha256 => "RSA-PKCS1-SHA256",
        CardKeyAlgorithm.EcdsaP256Sha256 => "ECDSA-P256-SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}
