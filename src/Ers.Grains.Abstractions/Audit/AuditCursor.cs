using System.Buffers.Binary;

namespace Ers.Audit;

/// <summary>
/// Where a page of an audit search ended: the (time, id) of its last record, and a fingerprint of the filters it was
/// made with. Opaque to callers: base64url of a version byte, the time in microseconds since the Unix epoch, the id
/// in RFC 4122 byte order and the fingerprint.
/// </summary>
public readonly record struct AuditCursor(DateTimeOffset Time, Guid Id, ulong Fingerprint)
{
    private const byte Version = 1;
    private const int Size = 1 + 8 + 16 + 8;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Size];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], AuditOrder.Microseconds(Time));
        Id.TryWriteBytes(bytes.Slice(9, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[25..], Fingerprint);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>False for anything <see cref="Encode"/> did not make (wrong length, alphabet, version or time).</summary>
    public static bool TryDecode(string? text, out AuditCursor cursor)
    {
        cursor = default;
        // 33 bytes are 44 base64 characters without padding.
        if (text is not { Length: 44 } || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        var base64 = text.Replace('-', '+').Replace('_', '/');
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != Size || bytes[0] != Version)
        {
            return false;
        }

        var microseconds = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (microseconds < AuditOrder.MinMicroseconds || microseconds > AuditOrder.MaxMicroseconds)
        {
            return false;
        }

        cursor = new AuditCursor(
            AuditOrder.FromMicroseconds(microseconds),
            new Guid(bytes.Slice(9, 16), bigEndian: true),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[25..]));
        return true;
    }
}
