using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Ers.Web.Security;

/// <summary>
/// Authenticates token payloads with HMAC-SHA256 under a key derived per purpose, so a token made for one use
/// (say, a browser ticket) never verifies as another (a session). Format: <c>base64url(payload).base64url(mac)</c>.
/// Verification is constant-time and happens before a payload is read, so a forged token never reaches a grain.
/// </summary>
public sealed class TokenProtector
{
    private const int MacSize = 32;

    /// <summary>Upper bound on a token's length; longer input is refused without decoding.</summary>
    public const int MaxTokenLength = 8192;

    private readonly byte[][] _keys;

    public TokenProtector(IReadOnlyList<byte[]> masterKeys, string purpose)
    {
        if (masterKeys.Count == 0)
        {
            throw new ArgumentException("At least one key is needed.", nameof(masterKeys));
        }

        _keys = masterKeys
            .Select(k => HKDF.DeriveKey(HashAlgorithmName.SHA256, k, 32, salt: null, info: Encoding.UTF8.GetBytes("ers-token/" + purpose)))
            .ToArray();
    }

    public string Protect(ReadOnlySpan<byte> payload)
    {
        Span<byte> mac = stackalloc byte[MacSize];
        HMACSHA256.HashData(_keys[0], payload, mac);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    public bool TryUnprotect(string? token, out byte[] payload)
    {
        payload = [];
        if (token is null || token.Length > MaxTokenLength)
        {
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.'))
        {
            return false;
        }

        byte[] body;
        byte[] mac;
        try
        {
            body = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }

        if (mac.Length != MacSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacSize];
        foreach (var key in _keys)
        {
            HMACSHA256.HashData(key, body, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, mac))
            {
                payload = body;
                return true;
            }
        }

        return false;
    }
}

/// <summary>Writes the compact binary payloads of tokens.</summary>
internal sealed class PayloadWriter
{
    private readonly MemoryStream _stream = new();

    public PayloadWriter(byte version) => _stream.WriteByte(version);

    public PayloadWriter Bytes(ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)value.Length));
        _stream.Write(length);
        _stream.Write(value);
        return this;
    }

    public PayloadWriter Text(string value) => Bytes(Encoding.UTF8.GetBytes(value));

    public PayloadWriter Time(DateTimeOffset value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value.ToUnixTimeMilliseconds());
        _stream.Write(buffer);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();
}

/// <summary>Reads what <see cref="PayloadWriter"/> wrote; any mismatch is a <see cref="FormatException"/>.</summary>
internal ref struct PayloadReader
{
    private ReadOnlySpan<byte> _rest;

    public PayloadReader(ReadOnlySpan<byte> payload, byte version)
    {
        if (payload.Length == 0 || payload[0] != version)
        {
            throw new FormatException("unknown token version");
        }

        _rest = payload[1..];
    }

    public byte[] Bytes()
    {
        if (_rest.Length < 2)
        {
            throw new FormatException("truncated token");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(_rest);
        if (_rest.Length < 2 + length)
        {
            throw new FormatException("truncated token");
        }

        var value = _rest.Slice(2, length).ToArray();
        _rest = _rest[(2 + length)..];
        return value;
    }

    public string Text() => Encoding.UTF8.GetString(Bytes());

    public DateTimeOffset Time()
    {
        if (_rest.Length < 8)
        {
            throw new FormatException("truncated token");
        }

        var value = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(_rest));
        _rest = _rest[8..];
        return value;
    }

    public readonly void End()
    {
        if (!_rest.IsEmpty)
        {
            throw new FormatException("trailing bytes in token");
        }
    }
}
