namespace Ers.Web.Security;

/// <summary>
/// Configuration section <c>Ers:Tokens</c>: the key that authenticates the opaque tokens Ers hands to agents and
/// browsers (challenge, session, browser ticket). Every node of a cluster must share it.
/// </summary>
public sealed class TokenOptions
{
    public const string Section = "Ers:Tokens";

    /// <summary>Base64 key, at least 32 bytes. Signs new tokens.</summary>
    public string? Key { get; set; }

    /// <summary>A file holding the base64 key (what <c>ers pki dev</c> writes); used when <see cref="Key"/> is empty.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Base64 keys that still verify tokens during a key rotation but never sign.</summary>
    public List<string> PreviousKeys { get; set; } = [];

    /// <summary>How long a session token is accepted (the session grain's own timeouts end sessions sooner).</summary>
    public TimeSpan SessionTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a browser login ticket may be redeemed.</summary>
    public TimeSpan BrowserTicketLifetime { get; set; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<byte[]> LoadKeys()
    {
        var primary = Key is { Length: > 0 } ? Key
            : KeyFile is { Length: > 0 } ? File.ReadAllText(KeyFile).Trim()
            : throw new InvalidOperationException(
                $"No token key: set {Section}:Key (base64, 32 bytes or more) or {Section}:KeyFile ('ers pki dev' writes one).");
        return new[] { primary }.Concat(PreviousKeys).Select(Decode).ToList();
    }

    private static byte[] Decode(string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{Section}: a key is not valid base64.");
        }

        return key.Length >= 32 ? key : throw new InvalidOperationException($"{Section}: a key must be at least 32 bytes.");
    }
}
