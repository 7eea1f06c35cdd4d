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

    /// <summary>
    /// The PIN unblocking key (key reference 81) that RESET RETRY COUNTER checks. A card file of <c>ers pki dev</c>
    /// names one; an older file, or a card made without one, has <see cref="DefaultPuk"/>.
    /// </summary>
    public string Puk { get; init; } = DefaultPuk;

    /// <summary>The PUK of a card that names none: the PIV default the YubiKey ships with.</summary>
    public const string DefaultPuk = "12345678";

    /// <summary>PIN tries left when the card is made (a card program restores its saved counter with this).</summary>
    public int PinTriesLeft { get; init; } = VirtualPivCard.MaxPinTries;

    /// <summary>PUK tries left when the card is made.</summary>
    public int PukTriesLeft { get; init; } = VirtualPivCard.MaxPukTries;

    /// <summary>
    /// Called (under the card's lock) whenever a VERIFY or RESET RETRY COUNTER changes what the card keeps: the PIN
    /// tries, the PUK tries or the PIN. The card program writes it to its state file.
    /// </summary>
    public Action<CardMemory>? MemoryChanged { get; init; }

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
