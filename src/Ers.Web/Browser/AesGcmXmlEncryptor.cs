using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Ers.Web.Browser;

/// <summary>
/// Encrypts each Data Protection key-ring element with AES-256-GCM before it is stored, so whoever reads the store
/// (a Redis dump, a backup, another tenant of the same Redis) learns no cookie or antiforgery key. Authenticated: a
/// tampered element fails to decrypt rather than yielding a key chosen by an attacker.
/// </summary>
public sealed class AesGcmXmlEncryptor(KeyRingProtectionKeys keys) : IXmlEncryptor
{
    internal const string ElementName = "ersEncryptedKey";
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var (id, key) = keys.Current;
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), AssociatedData(id));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XAttribute("keyId", id),
            new XAttribute("algorithm", "AES-256-GCM"),
            Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }

    // Binds the ciphertext to the key id it claims, so an element cannot be relabelled to another key.
    internal static byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes("ers-data-protection-key-ring/v1/" + keyId);
}
