using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ers.Audit.Postgres;

/// <summary>
/// The hash chain over audit records (table <c>ers_audit.audit_chain</c>): each writer process appends to a chain of
/// its own, link <c>n</c> being a MAC over the link before it and the record's every field, so a changed, reordered
/// or removed record is found by <c>ers audit verify</c>. With a key (<c>Ers:Audit:ChainKey</c>, from a Secret the
/// database's operators do not hold) the links are HMAC-SHA256 and nobody with only database access can forge or
/// recompute them; without one they are SHA-256, which finds accidental or careless edits only. What a chain cannot
/// show: the loss of a chain's last links or of a whole chain (the append-only trigger and roles stand there).
/// </summary>
public sealed class AuditChain
{
    public const int HashSize = 32;
    public const string KeySetting = "Ers:Audit:ChainKey";
    private static readonly byte[] Label = "ers-audit-chain-v1\0"u8.ToArray();
    private readonly byte[]? _key;

    public AuditChain(byte[]? key)
    {
        if (key is { Length: < 32 })
        {
            throw new ArgumentException($"{KeySetting} must be at least 32 bytes (base64 of `openssl rand -base64 32`).", nameof(key));
        }

        _key = key;
    }

    /// <summary>Whether links are keyed (HMAC) rather than plain hashes.</summary>
    public bool Keyed => _key is not null;

    /// <summary>The link before a chain's first.</summary>
    public static byte[] Genesis => new byte[HashSize];

    /// <summary>From the base64 setting, or keyless when it is empty.</summary>
    public static AuditChain FromSetting(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return new AuditChain(null);
        }

        try
        {
            return new AuditChain(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{KeySetting} is not base64.");
        }
    }

    /// <summary>PostgreSQL keeps microseconds: a record's time is cut to them before it is hashed or stored.</summary>
    public static DateTimeOffset Normalise(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The link for <paramref name="record"/> at position <paramref name="sequence"/> of <paramref name="chain"/>.</summary>
    public byte[] Link(Guid chain, long sequence, ReadOnlySpan<byte> previous, AuditRecord record)
    {
        if (previous.Length != HashSize)
        {
            throw new ArgumentException($"The previous link must be {HashSize} bytes.", nameof(previous));
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(Label);
        WriteGuid(buffer, chain);
        WriteInt64(buffer, sequence);
        buffer.Write(previous);
        WriteGuid(buffer, record.Id);
        WriteInt64(buffer, (Normalise(record.Time).Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10);
        foreach (var field in new[]
                 {
                     record.Event.ToString(), record.Outcome.ToString(), record.Reason, record.UserId, record.RoleProfileId,
                     record.OdsCode, record.BusinessFunction, record.SessionId, record.WorkstationId, record.CardId,
                 })
        {
            WriteText(buffer, field);
        }

        // The subject fields (audit schema version 4) are hashed only when a record has them, so every link written
        // before them still verifies; a record with them carries a marker no older record's bytes could end in.
        if (record.SubjectUserId is not null || record.SubjectOdsCode is not null)
        {
            buffer.Write([(byte)2]);
            WriteText(buffer, record.SubjectUserId);
            WriteText(buffer, record.SubjectOdsCode);
        }

        return _key is null ? SHA256.HashData(buffer.WrittenSpan) : HMACSHA256.HashData(_key, buffer.WrittenSpan);
    }

    private static void WriteGuid(ArrayBufferWriter<byte> buffer, Guid value)
    {
        value.TryWriteBytes(buffer.GetSpan(16), bigEndian: true, out _);
        buffer.Advance(16);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    // Absent and empty differ: a presence byte, then the UTF-8 length and bytes.
    private static void WriteText(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            buffer.Write([(byte)0]);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        buffer.Write([(byte)1]);
        WriteInt64(buffer, bytes.Length);
        buffer.Write(bytes);
    }
}
