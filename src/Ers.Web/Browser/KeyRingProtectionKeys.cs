using System.Security.Cryptography;

namespace Ers.Web.Browser;

/// <summary>
/// The AES-256 keys that encrypt the Data Protection key ring where it is stored (Redis in a cluster): the first
/// encrypts, every one decrypts (a rotation lists the old key as a previous one until the ring has no element
/// encrypted with it). Each key is a file holding 32 random bytes in base64, mounted from a Secret.
/// </summary>
public sealed class KeyRingProtectionKeys
{
    private const int KeySize = 32;

    private readonly IReadOnlyList<(string Id, byte[] Key)> _keys;

    public KeyRingProtectionKeys(IReadOnlyList<byte[]> keys)
    {
        if (keys.Count == 0 || keys.Any(k => k.Length != KeySize))
        {
            throw new ArgumentException($"At least one key, each of {KeySize} bytes.", nameof(keys));
        }

        _keys = [.. keys.Select(k => (IdOf(k), k))];
    }

    /// <summary>The id and key that encrypt new key-ring elements.</summary>
    public (string Id, byte[] Key) Current => _keys[0];

    /// <summary>The key named by <paramref name="id"/>, or null when none of the configured keys has that id.</summary>
    public byte[]? Find(string? id) => _keys.FirstOrDefault(k => k.Id == id).Key;

    /// <summary>Reads the key files; a missing, unreadable or malformed file is a start-up error naming the setting.</summary>
    public static KeyRingProtectionKeys Load(string setting, string keyFile, IEnumerable<string> previousKeyFiles) =>
        new([Read(setting, keyFile), .. previousKeyFiles.Where(f => f.Length > 0).Select(f => Read(setting, f))]);

    private static byte[] Read(string setting, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Ers.ServiceDefaults.ErsConfigurationException($"{setting}: cannot read the key-ring encryption key '{path}': {e.Message}");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            key = [];
        }

        return key.Length == KeySize ? key
            : throw new Ers.ServiceDefaults.ErsConfigurationException(
                $"{setting}: '{path}' must hold {KeySize} random bytes in base64 (`openssl rand -base64 {KeySize}`).");
    }

    // Names a key without revealing it: stored beside each encrypted element so the right key is picked after a rotation.
    private static string IdOf(byte[] key) =>
        Convert.ToHexStringLower(SHA256.HashData([.. "ers-keyring-key-id"u8, .. key])[..8]);
}
