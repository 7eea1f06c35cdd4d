namespace Ers.Tools.Pki;

/// <summary>The key type of an end-entity certificate.</summary>
public enum KeyAlgorithm
{
    Rsa2048 = 1,
    EcdsaP256 = 2,
}
