using System.Numerics;
using System.Security.Cryptography;

namespace Ers.VirtualCard;

/// <summary>
/// A PIV card application (the subset of NIST SP 800-73 that Ers and OpenSC use). It is pure: bytes in, bytes out,
/// so unit tests can drive it without any reader. Thread-safe: the vpcd link and tests may look at it concurrently.
/// </summary>
public sealed class VirtualPivCard
{
    public const int MaxPinTries = 3;

    /// <summary>The PUK's tries (key reference 81): a counter of its own, as SP 800-73-4 part 2 §3.2.3 has it.</summary>
    public const int MaxPukTries = 3;
    private static readonly byte[] PivAid = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00];
    private static readonly byte[] DigestInfoSha256 =
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    private readonly Lock _lock = new();
    private readonly VirtualCardOptions _options;
    private readonly byte[] _guid;
    private int _triesLeft;
    private int _pukTriesLeft;
    private byte[] _pin;
    private readonly byte[] _puk;
    private bool _selected;
    private bool _pinVerified;
    private byte[] _pendingResponse = [];
    private int _pendingOffset;
    private byte[] _chainedData = [];
    private int _verifyCommands;
    private int _authenticateCommands;
    private int _pinPresentations;
    private int _resetRetryCommands;
    private int _commands;

    public VirtualPivCard(VirtualCardOptions options)
    {
        _options = options;
        _guid = options.CardGuid ?? RandomNumberGenerator.GetBytes(16);
        _triesLeft = options.PinTriesLeft is >= 0 and <= MaxPinTries
            ? options.PinTriesLeft
            : throw new ArgumentException($"PIN tries left is 0 to {MaxPinTries}.", nameof(options));
        _pukTriesLeft = options.PukTriesLeft is >= 0 and <= MaxPukTries
            ? options.PukTriesLeft
            : throw new ArgumentException($"PUK tries left is 0 to {MaxPukTries}.", nameof(options));
        _pin = ReferenceData(options.Pin, nameof(options));
        _puk = ReferenceData(options.Puk, nameof(options));
        if (_guid.Length != 16)
        {
            throw new ArgumentException("The card GUID is 16 bytes.", nameof(options));
        }
    }

    /// <summary>
    /// Answer to reset: direct convention, T=0 and T=1 offered, historical bytes "ErsPIV01"; the last byte is the
    /// check byte (XOR of T0 to the end), required when T=1 is offered.
    /// </summary>
    public static byte[] Atr { get; } = BuildAtr();

    /// <summary>The card id as the agent reads it: the CHUID GUID as a UUID string.</summary>
    public string CardId => new Guid(_guid, bigEndian: true).ToString("D");

    public MalformedAnswers Malformed
    {
        get => _options.Malformed;
        set => _options.Malformed = value;
    }

    public int PinTriesLeft
    {
        get { lock (_lock) { return _triesLeft; } }
    }

    public int PukTriesLeft
    {
        get { lock (_lock) { return _pukTriesLeft; } }
    }

    /// <summary>Whether the PIN is verified right now (the agent must leave a card with it cleared).</summary>
    public bool PinVerified
    {
        get { lock (_lock) { return _pinVerified; } }
    }

    /// <summary>VERIFY commands received, with or without a PIN (the agent must send none to a blocked card).</summary>
    public int VerifyCommandCount => Volatile.Read(ref _verifyCommands);

    /// <summary>VERIFY commands that carried a PIN (a status query without data is not counted).</summary>
    public int PinPresentationCount => Volatile.Read(ref _pinPresentations);

    public int CommandCount => Volatile.Read(ref _commands);

    /// <summary>RESET RETRY COUNTER commands received, answered or not.</summary>
    public int ResetRetryCounterCount => Volatile.Read(ref _resetRetryCommands);

    /// <summary>What the card keeps across power cycles (for the card program's state file), read under the card's lock.</summary>
    public CardMemory Memory
    {
        get { lock (_lock) { return new CardMemory(_triesLeft, _pukTriesLeft, [.. _pin]); } }
    }

    /// <summary>GENERAL AUTHENTICATE commands received (asked to sign), answered or not.</summary>
    public int AuthenticateCommandCount => Volatile.Read(ref _authenticateCommands);

    /// <summary>Power off, power on or reset: the card forgets the selected application and the verified PIN.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _selected = false;
            _pinVerified = false;
            _pendingResponse = [];
            _pendingOffset = 0;
            _chainedData = [];
        }
    }

    public byte[] Process(ReadOnlySpan<byte> apdu)
    {
        Interlocked.Increment(ref _commands);
        if (!CommandApdu.TryParse(apdu, out var command))
        {
            return Sw(0x6700);
        }
        lock (_lock)
        {
            if (command.Ins != 0xC0)
            {
                _pendingResponse = [];
                _pendingOffset = 0;
            }
            if ((command.Cla & 0x10) != 0)
            {
                if (command.Ins != 0x87)
                {
                    return Sw(0x6884); // chaining not supported for this command
                }
                _chainedData = [.. _chainedData, .. command.Data];
                return Sw(0x9000);
            }
            var data = _chainedData.Length > 0 ? [.. _chainedData, .. command.Data] : command.Data;
            _chainedData = [];
            if ((command.Cla & 0xEF) != 0x00)
            {
                return Sw(0x6E00);
            }
            return command.Ins switch
            {
                0xA4 => Select(command, data),
                0xC0 => GetResponse(command),
                _ when !_selected => Sw(0x6985),
                0x20 => Verify(command, data),
                0x2C => ResetRetryCounter(command, data),
                0xCB => GetData(command, data),
                0x87 => GeneralAuthenticate(command, data),
                _ => Sw(0x6D00),
            };
        }
    }

    private byte[] Select(CommandApdu command, byte[] aid)
    {
        // OpenSC selects with the 9-byte truncated AID; both it and the full AID are accepted. A failed SELECT leaves
        // the current application selected (ISO 7816-4), as a real card does: yubico-piv-tool first probes for the
        // YubiKey applications and then talks PIV without selecting it again.
        if (command.P1 != 0x04 || aid.Length < 5 || !PivAid.AsSpan().StartsWith(aid))
        {
            return Sw(0x6A82);
        }
        _selected = true;
        byte[] template =
        [
            0x61, 0x11,
            0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
            0x79, 0x07, 0x4F, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08,
        ];
        return Respond(template, command.Le);
    }

    private byte[] Verify(CommandApdu command, byte[] data)
    {
        Interlocked.Increment(ref _verifyCommands);
        if (command.P1 == 0xFF && data.Length == 0)
        {
            _pinVerified = false;
            return Sw(0x9000);
        }
        if (command.P1 != 0x00 || command.P2 != 0x80)
        {
            return Sw(0x6A88);
        }
        if (data.Length == 0)
        {
            return _triesLeft == 0 ? Sw(0x6983) : _pinVerified ? Sw(0x9000) : Sw(0x63C0 | _triesLeft);
        }
        Interlocked.Increment(ref _pinPresentations);
        if (data.Length != 8)
        {
            return Sw(0x6700);
        }
        if (_triesLeft == 0)
        {
            return Sw(0x6983);
        }
        if (Matches(data, _pin))
        {
            SetTries(MaxPinTries, _pukTriesLeft);
            _pinVerified = true;
            return Sw(0x9000);
        }
        _pinVerified = false;
        SetTries(_triesLeft - 1, _pukTriesLeft);
        return Sw(0x63C0 | _triesLeft);
    }

    /// <summary>
    /// RESET RETRY COUNTER (SP 800-73-4 part 2 §3.2.3): <c>00 2C 00 80 10 PUK(8) new PIN(8)</c>, both FF-padded. The
    /// PUK (key reference 81) has its own counter: a wrong PUK costs one of its tries (<c>63 Cx</c>), a blocked PUK
    /// answers <c>69 83</c> and nothing changes. A right PUK sets the new PIN and gives both counters back. A new PIN
    /// that is not 6-8 digits is refused (<c>6A 80</c>) before the PUK is checked, so it costs no PUK try.
    /// </summary>
    private byte[] ResetRetryCounter(CommandApdu command, byte[] data)
    {
        Interlocked.Increment(ref _resetRetryCommands);
        if (command.P1 != 0x00 || command.P2 != 0x80)
        {
            return Sw(0x6A88);
        }
        if (data.Length != 16)
        {
            return Sw(0x6700);
        }
        var newPin = data.AsSpan(8, 8);
        var newLength = newPin.IndexOf((byte)0xFF) is var ff and >= 0 ? ff : 8;
        if (newLength < 6 || newPin[..newLength].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || newPin[newLength..].IndexOfAnyExcept((byte)0xFF) >= 0)
        {
            return Sw(0x6A80);
        }
        if (_pukTriesLeft == 0)
        {
            return Sw(0x6983);
        }
        if (!Matches(data.AsSpan(0, 8), _puk))
        {
            SetTries(_triesLeft, _pukTriesLeft - 1);
            return Sw(0x63C0 | _pukTriesLeft);
        }
        CryptographicOperations.ZeroMemory(_pin);
        _pin = newPin[..newLength].ToArray();
        _pinVerified = false;
        SetTries(MaxPinTries, MaxPukTries, changed: true);
        return Sw(0x9000);
    }

    /// <summary>Compares an FF-padded 8-byte reference data block with the card's value, in constant time.</summary>
    private static bool Matches(ReadOnlySpan<byte> presented, byte[] expected)
    {
        var length = presented.IndexOf((byte)0xFF) is var ff and >= 0 ? ff : presented.Length;
        return CryptographicOperations.FixedTimeEquals(presented[..length], expected);
    }

    private static byte[] ReferenceData(string value, string parameter)
    {
        if (value.Length is < 1 or > 8 || value.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("A PIN or PUK is 1 to 8 printable ASCII characters.", parameter);
        }
        return System.Text.Encoding.ASCII.GetBytes(value);
    }

    private void SetTries(int pinTries, int pukTries, bool changed = false)
    {
        if (changed || pinTries != _triesLeft || pukTries != _pukTriesLeft)
        {
            _triesLeft = pinTries;
            _pukTriesLeft = pukTries;
            _options.MemoryChanged?.Invoke(new CardMemory(_triesLeft, _pukTriesLeft, [.. _pin]));
        }
    }

    private byte[] GetData(CommandApdu command, byte[] data)
    {
        if (command.P1 != 0x3F || command.P2 != 0xFF || data.Length < 3 || data[0] != 0x5C || data[1] != data.Length - 2)
        {
            return Sw(0x6A80);
        }
        if (_options.Malformed == MalformedAnswers.WrongStatusWords)
        {
            return Sw(0x6F00);
        }
        var tag = Convert.ToHexString(data, 2, data.Length - 2);
        return tag switch
        {
            "7E" => Respond(Discovery(), command.Le),
            "5FC102" => Respond(Chuid(), command.Le),
            "5FC105" => Respond(CertificateObject(), command.Le),
            _ => Sw(0x6A82),
        };
    }

    private byte[] GeneralAuthenticate(CommandApdu command, byte[] data)
    {
        Interlocked.Increment(ref _authenticateCommands);
        if (command.P2 != 0x9A)
        {
            return Sw(0x6A88);
        }
        if (!_pinVerified)
        {
            return Sw(0x6982);
        }
        if (!TryReadDynamicTemplate(data, out var challenge))
        {
            return Sw(0x6A80);
        }
        byte[] signature;
        switch (command.P1, _options.PrivateKey)
        {
            case (0x07, RSA rsa) when challenge.Length == rsa.KeySize / 8:
                signature = RsaPrivate(rsa, challenge);
                break;
            case (0x11, ECDsa ecdsa) when ecdsa.KeySize == 256 && challenge.Length == 32:
                signature = ecdsa.SignHash(challenge, DSASignatureFormat.Rfc3279DerSequence);
                break;
            default:
                return Sw(0x6A80);
        }
        var inner = Tlv(0x82, signature);
        return Respond(Tlv(0x7C, inner), command.Le);
    }

    /// <summary>Reads <c>7C { 82 00, 81 challenge }</c>.</summary>
    private static bool TryReadDynamicTemplate(byte[] data, out byte[] challenge)
    {
        challenge = [];
        var reader = new TlvCursor(data);
        if (!reader.TryRead(out var tag, out var body) || tag != 0x7C)
        {
            return false;
        }
        var inner = new TlvCursor(body);
        var wantsResponse = false;
        while (inner.TryRead(out var t, out var v))
        {
            if (t == 0x82 && v.Length == 0)
            {
                wantsResponse = true;
            }
            else if (t == 0x81)
            {
                challenge = v;
            }
        }
        return wantsResponse && challenge.Length > 0;
    }

    /// <summary>A raw RSA private-key operation, as a card does it (the host did the padding).</summary>
    private static byte[] RsaPrivate(RSA rsa, byte[] block)
    {
        // A well-formed PKCS#1 v1.5 SHA-256 block goes through the platform's RSA (fast, constant time). Anything
        // else (e.g. OpenSC's own padding of another hash) takes the textbook route with the CRT parameters.
        var k = block.Length;
        var prefixLength = k - 32 - DigestInfoSha256.Length;
        if (prefixLength > 11 && block[0] == 0 && block[1] == 1 && block[prefixLength - 1] == 0
            && block.AsSpan(2, prefixLength - 3).IndexOfAnyExcept((byte)0xFF) < 0
            && block.AsSpan(prefixLength, DigestInfoSha256.Length).SequenceEqual(DigestInfoSha256))
        {
            return rsa.SignHash(block[(k - 32)..], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        var p = rsa.ExportParameters(true);
        var m = FromBigEndian(block);
        var n = FromBigEndian(p.Modulus!);
        if (m >= n)
        {
            return [];
        }
        var s = BigInteger.ModPow(m, FromBigEndian(p.D!), n);
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[k];
        bytes.CopyTo(result, k - bytes.Length);
        return result;
    }

    private static BigInteger FromBigEndian(byte[] bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    private byte[] GetResponse(CommandApdu command)
    {
        if (_options.Malformed == MalformedAnswers.EndlessResponse && _pendingResponse.Length > 0)
        {
            return [.. new byte[255], 0x61, 0xFF];
        }
        if (_pendingOffset >= _pendingResponse.Length)
        {
            return Sw(0x6985);
        }
        return NextChunk(command.Le);
    }

    /// <summary>Short APDUs carry at most 256 bytes; more waits behind <c>61 xx</c> for GET RESPONSE.</summary>
    private byte[] Respond(byte[] body, int le)
    {
        _pendingResponse = body;
        _pendingOffset = 0;
        return NextChunk(le);
    }

    private byte[] NextChunk(int le)
    {
        var max = le is > 0 and <= 256 ? le : 256;
        var remaining = _pendingResponse.Length - _pendingOffset;
        var take = Math.Min(max, remaining);
        var chunk = _pendingResponse.AsSpan(_pendingOffset, take);
        _pendingOffset += take;
        remaining -= take;
        if (remaining == 0)
        {
            _pendingResponse = [];
            _pendingOffset = 0;
            return [.. chunk, 0x90, 0x00];
        }
        return [.. chunk, 0x61, (byte)Math.Min(remaining, 255)];
    }

    private static byte[] Discovery() =>
        Tlv(0x7E, [.. Tlv(0x4F, PivAid), .. Tlv(0x5F2F, [0x40, 0x00])]);

    private byte[] Chuid()
    {
        byte[] fascn = new byte[25];
        fascn[0] = 0xD4; // an all-zero "test" FASC-N is enough: Ers identifies the card by its GUID
        byte[] body = _options.Malformed == MalformedAnswers.ChuidWithoutGuid
            ? [.. Tlv(0x30, fascn), .. Tlv(0x35, "20301231"u8.ToArray()), .. Tlv(0x3E, []), .. Tlv(0xFE, [])]
            : [.. Tlv(0x30, fascn), .. Tlv(0x34, _guid), .. Tlv(0x35, "20301231"u8.ToArray()), .. Tlv(0x3E, []), .. Tlv(0xFE, [])];
        return Tlv(0x53, body);
    }

    private byte[] CertificateObject()
    {
        var der = _options.Certificate.RawData;
        if (_options.Malformed == MalformedAnswers.TruncatedCertificate)
        {
            der = der[..(der.Length / 2)];
        }
        var obj = Tlv(0x53, [.. Tlv(0x70, der), .. Tlv(0x71, [0x00]), .. Tlv(0xFE, [])]);
        if (_options.Malformed == MalformedAnswers.BrokenCertificateTlv)
        {
            // 53 82 hi lo: claim 4 KiB more than there is.
            var claimed = ((obj[2] << 8) | obj[3]) + 4096;
            obj[2] = (byte)(claimed >> 8);
            obj[3] = (byte)claimed;
        }
        return obj;
    }

    internal static byte[] Tlv(int tag, ReadOnlySpan<byte> value)
    {
        byte[] tagBytes = tag > 0xFFFF ? [(byte)(tag >> 16), (byte)(tag >> 8), (byte)tag]
            : tag > 0xFF ? [(byte)(tag >> 8), (byte)tag]
            : [(byte)tag];
        byte[] length = value.Length switch
        {
            < 0x80 => [(byte)value.Length],
            <= 0xFF => [0x81, (byte)value.Length],
            _ => [0x82, (byte)(value.Length >> 8), (byte)value.Length],
        };
        return [.. tagBytes, .. length, .. value];
    }

    private static byte[] Sw(int sw) => [(byte)(sw >> 8), (byte)sw];

    private static byte[] BuildAtr()
    {
        byte[] head = [0x3B, 0x88, 0x80, 0x01, .. "ErsPIV01"u8];
        byte check = 0;
        foreach (var b in head.AsSpan(1))
        {
            check ^= b;
        }
        return [.. head, check];
    }

    /// <summary>A command APDU, short or extended.</summary>
    private readonly record struct CommandApdu(byte Cla, byte Ins, byte P1, byte P2, byte[] Data, int Le)
    {
        public static bool TryParse(ReadOnlySpan<byte> apdu, out CommandApdu command)
        {
            command = default;
            if (apdu.Length < 4)
            {
                return false;
            }
            var (cla, ins, p1, p2) = (apdu[0], apdu[1], apdu[2], apdu[3]);
            var body = apdu[4..];
            if (body.IsEmpty)
            {
                command = new(cla, ins, p1, p2, [], 0);
                return true;
            }
            if (body.Length == 1)
            {
                command = new(cla, ins, p1, p2, [], body[0] == 0 ? 256 : body[0]);
                return true;
            }
            if (body[0] != 0)
            {
                var lc = body[0];
                if (body.Length == 1 + lc)
                {
                    command = new(cla, ins, p1, p2, body.Slice(1, lc).ToArray(), 0);
                    return true;
                }
                if (body.Length == 2 + lc)
                {
                    command = new(cla, ins, p1, p2, body.Slice(1, lc).ToArray(), body[1 + lc] == 0 ? 256 : body[1 + lc]);
                    return true;
                }
                return false;
            }
            // Extended length: 00 Lc1 Lc2 data [Le1 Le2], or 00 Le1 Le2.
            if (body.Length == 3)
            {
                var le = (body[1] << 8) | body[2];
                command = new(cla, ins, p1, p2, [], le == 0 ? 65536 : le);
                return true;
            }
            var elc = (body[1] << 8) | body[2];
            if (body.Length == 3 + elc || body.Length == 5 + elc)
            {
                var le = body.Length == 5 + elc ? (body[3 + elc] << 8) | body[4 + elc] : 0;
                command = new(cla, ins, p1, p2, body.Slice(3, elc).ToArray(), le);
                return true;
            }
            return false;
        }
    }

    /// <summary>A minimal BER-TLV reader for what the host sends (one- or two-byte tags, lengths up to 82 xx xx).</summary>
    private ref struct TlvCursor(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public bool TryRead(out int tag, out byte[] value)
        {
            tag = 0;
            value = [];
            if (_rest.Length < 2)
            {
                return false;
            }
            var i = 0;
            tag = _rest[i++];
            if ((tag & 0x1F) == 0x1F)
            {
                tag = (tag << 8) | _rest[i++];
            }
            if (i >= _rest.Length)
            {
                return false;
            }
            int length = _rest[i++];
            if (length == 0x81 && i < _rest.Length)
            {
                length = _rest[i++];
            }
            else if (length == 0x82 && i + 1 < _rest.Length)
            {
                length = (_rest[i] << 8) | _rest[i + 1];
                i += 2;
            }
            else if (length >= 0x80)
            {
                return false;
            }
            if (_rest.Length - i < length)
            {
                return false;
            }
            value = _rest.Slice(i, length).ToArray();
            _rest = _rest[(i + length)..];
            return true;
        }
    }
}
