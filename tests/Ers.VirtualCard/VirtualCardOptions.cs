using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.VirtualCard;

/// <summary>What the virtual card is: its key, certificate and PIN.</summary>
public sealed class VirtualCardOptions
{
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>The 9A private key: RSA-2048 or ECDSA P-256.</summary>
    public required AsymmetricAlgorithm PrivateKey { get; init; }

    public string Pin { get; init; } = "123456";

    /// <summary>PIN tries left when the card is made (a card program restores its saved counter with this).</summary>
    public int PinTriesLeft { get; init; } = VirtualPivCard.MaxPinTries;

    /// <summary>Called with the new count whenever a VERIFY changes the PIN tries left (under the card's lock).</summary>
    public Action<int>? PinTriesChanged { get; init; }

    /// <summary>16 bytes; random when not given. See <see cref="CardGuidFrom"/>.</summary>
    public byte[]? CardGuid { get; init; }

    /// <summary>The CHUID bytes of a card id such as the dev PKI's <c>CardId</c> (network byte order).</summary>
    public static byte[] CardGuidFrom(Guid cardId) => cardId.ToByteArray(bigEndian: true);

    public MalformedAnswers Malformed { get; set; }

    public static VirtualCardOptions FromCertificate(X509Certificate2 certificateWithKey, string pin = "123456")
    {
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificateWithKey.GetRSAPrivateKey()
            ?? certificateWithKey.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The certificate has no RSA or ECDSA private key.", nameof(certificateWithKey));
        return new VirtualCardOptions { Certificate = certificateWithKey, PrivateKey = key, Pin = pin };
    }
}
