using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Agent.PcSc;

namespace Ers.Agent.Piv;

/// <summary>
/// The PIV card edge (NIST SP 800-73-4 part 2) over any <see cref="ICardConnection"/>. Throws only
/// <see cref="PivException"/> (the card said something wrong or unexpected) and <see cref="SmartCardException"/>
/// (the reader or service failed, e.g. the card was pulled).
/// </summary>
public sealed class PivCard(ICardConnection connection)
{
    /// <summary>More than any PIV object (the biggest is a few KiB); a card sending more is misbehaving.</summary>
    public const int MaxResponseLength = 0x10000;

    private const int MaxCompressedCertificate = 0x8000;

    private static readonly byte[] SelectPiv = [0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00];
    private static readonly byte[] ChuidTag = [0x5F, 0xC1, 0x02];
    private static readonly byte[] AuthenticationCertificateTag = [0x5F, 0xC1, 0x05];
    private static readonly byte[] DigestInfoSha256 =
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    /// <summary>APDUs sent, for latency measurements and tests.</summary>
    public int CommandsSent { get; private set; }

    public async Task SelectAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(SelectPiv, cancellationToken);
        switch (response.StatusWord)
        {
            case 0x9000:
                return;
            case 0x6A82 or 0x6A81 or 0x6D00 or 0x6E00:
                throw new PivException(PivError.NotPivCard, "This card has no PIV application.");
            default:
                throw Unexpected("SELECT", response);
        }
    }

    /// <summary>The card's GUID from the CHUID as a UUID (<c>xxxxxxxx-xxxx-...</c>): the card id Ers knows the card by.</summary>
    public async Task<string> ReadCardIdAsync(CancellationToken cancellationToken)
    {
        var chuid = await GetDataAsync(ChuidTag, "CHUID", cancellationToken);
        var guid = BerTlv.Find(BerTlv.ParseAll(chuid), 0x34)
            ?? throw new PivException(PivError.MalformedResponse, "The card's CHUID has no GUID.");
        if (guid.Length != 16)
        {
            throw new PivException(PivError.MalformedResponse, $"The card's GUID is {guid.Length} bytes, not 16.");
        }
        if (guid.Span.IndexOfAnyExcept((byte)0) < 0)
        {
            throw new PivException(PivError.MalformedResponse, "The card's GUID is all zero.");
        }
        // The GUID is an RFC 4122 UUID in network byte order; Ers and its dev PKI name cards by its "D" form.
        return new Guid(guid.Span, bigEndian: true).ToString("D");
    }

    public async Task<PivCertificate> ReadAuthenticationCertificateAsync(CancellationToken cancellationToken)
    {
        var obj = await GetDataAsync(AuthenticationCertificateTag, "certificate", cancellationToken);
        var elements = BerTlv.ParseAll(obj);
        var der = BerTlv.Find(elements, 0x70)
            ?? throw new PivException(PivError.MalformedResponse, "The card's certificate object has no certificate.");
        var info = BerTlv.Find(elements, 0x71);
        var bytes = info is { Length: > 0 } i && (i.Span[0] & 0x01) != 0 ? Decompress(der) : der.ToArray();
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException)
        {
            throw new PivException(PivError.UnsupportedCertificate, "The certificate on the card cannot be read.");
        }
        return new PivCertificate(bytes, certificate, AlgorithmOf(certificate));
    }

    public async Task<PinStatus> GetPinStatusAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync([0x00, 0x20, 0x00, 0x80], cancellationToken);
        return response.StatusWord switch
        {
            0x9000 => new PinStatus(PinState.Verified, -1),
            0x6983 or 0x63C0 => new PinStatus(PinState.Blocked, 0),
            >= 0x63C1 and <= 0x63CF => new PinStatus(PinState.NotVerified, response.Sw2 & 0x0F),
            _ => throw Unexpected("VERIFY", response),
        };
    }

    /// <summary>
    /// Checks the PIN's shape (6-8 digits) and only then presents it to the card. The APDU buffer holding it is
    /// zeroed before returning; the caller owns (and clears) <paramref name="pin"/>.
    /// </summary>
    public async Task<PinStatus> VerifyPinAsync(char[] pin, CancellationToken cancellationToken)
    {
        if (!PivPin.IsWellFormed(pin))
        {
            throw new PivException(PivError.PinFormat, "The passcode must be 6 to 8 digits.");
        }
        var apdu = new byte[13];
        try
        {
            apdu[0] = 0x00;
            apdu[1] = 0x20;
            apdu[2] = 0x00;
            apdu[3] = 0x80;
            apdu[4] = 0x08;
            PivPin.Encode(pin, apdu.AsSpan(5, 8));
            var response = await SendAsync(apdu, cancellationToken);
            return response.StatusWord switch
            {
                0x9000 => new PinStatus(PinState.Verified, -1),
                0x6983 or 0x63C0 => new PinStatus(PinState.Blocked, 0),
                >= 0x63C1 and <= 0x63CF => new PinStatus(PinState.NotVerified, response.Sw2 & 0x0F),
                _ => throw Unexpected("VERIFY", response),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(apdu);
        }
    }

    /// <summary>
    /// RESET RETRY COUNTER (SP 800-73-4 part 2 §3.2.3): <c>00 2C 00 80 10 PUK new-PIN</c>, each FF-padded to 8 bytes.
    /// Answers the PUK's status: <see cref="PinState.Verified"/> when the card took the PUK (it now has the new PIN
    /// and its full PIN tries), <see cref="PinState.NotVerified"/> with the PUK tries left for a wrong PUK,
    /// <see cref="PinState.Blocked"/> when the PUK is blocked. Shapes are checked first (nothing reaches the card
    /// otherwise); the APDU buffer is zeroed before returning, and the caller owns (and clears) both arrays.
    /// </summary>
    public async Task<PinStatus> ResetRetryCounterAsync(char[] puk, char[] newPin, CancellationToken cancellationToken)
    {
        if (!PivPin.IsWellFormedPuk(puk) || !PivPin.IsWellFormed(newPin))
        {
            throw new PivException(PivError.PukFormat, "The PUK must be 6 to 8 characters and the new passcode 6 to 8 digits.");
        }
        var apdu = new byte[21];
        try
        {
            apdu[0] = 0x00;
            apdu[1] = 0x2C;
            apdu[2] = 0x00;
            apdu[3] = 0x80;
            apdu[4] = 0x10;
            PivPin.Encode(puk, apdu.AsSpan(5, 8));
            PivPin.Encode(newPin, apdu.AsSpan(13, 8));
            var response = await SendAsync(apdu, cancellationToken);
            return response.StatusWord switch
            {
                0x9000 => new PinStatus(PinState.Verified, -1),
                0x6983 or 0x63C0 => new PinStatus(PinState.Blocked, 0),
                >= 0x63C1 and <= 0x63CF => new PinStatus(PinState.NotVerified, response.Sw2 & 0x0F),
                _ => throw Unexpected("RESET RETRY COUNTER", response),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(apdu);
        }
    }

    /// <summary>
    /// Makes the card forget that the PIN was verified (VERIFY with P1 = FF, SP 800-73-4 part 2 §3.2.1), so a card
    /// left in the reader cannot sign for anyone else. Best effort: cards that predate it answer an error, ignored.
    /// </summary>
    public async Task ResetPinStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync([0x00, 0x20, 0xFF, 0x80], cancellationToken);
        }
        catch (PivException)
        {
            // Not supported by this card: it forgets at removal or power-off instead.
        }
    }

    /// <summary>
    /// Signs SHA-256(<paramref name="message"/>) with the 9A key and checks the signature against the certificate
    /// before returning it, so a card that answers garbage is caught here rather than as a server refusal.
    /// RSA: PKCS#1 v1.5; ECDSA: DER (RFC 3279) signature, as the card returns it.
    /// </summary>
    public async Task<byte[]> SignAsync(PivCertificate certificate, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(message.Span);
        byte[] input = certificate.Algorithm == PivKeyAlgorithm.Rsa2048 ? Pkcs1Pad(hash, 256) : hash;
        var signature = await GeneralAuthenticateAsync(certificate.Algorithm, input, cancellationToken);
        bool valid;
        try
        {
            valid = certificate.Algorithm == PivKeyAlgorithm.Rsa2048
                ? certificate.Certificate.GetRSAPublicKey()!.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : certificate.Certificate.GetECDsaPublicKey()!.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            valid = false;
        }
        if (!valid)
        {
            throw new PivException(PivError.MalformedResponse, "The card's signature does not match its certificate.");
        }
        return signature;
    }

    /// <summary>GENERAL AUTHENTICATE: <c>7C { 82 00, 81 input }</c>, chained in 255-byte pieces when longer.</summary>
    public async Task<byte[]> GeneralAuthenticateAsync(PivKeyAlgorithm algorithm, byte[] input, CancellationToken cancellationToken)
    {
        byte[] inner = [0x82, 0x00, .. TlvHeader(0x81, input.Length), .. input];
        byte[] data = [.. TlvHeader(0x7C, inner.Length), .. inner];
        ResponseApdu response = default;
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var length = Math.Min(255, data.Length - offset);
            var last = offset + length == data.Length;
            byte[] apdu = [(byte)(last ? 0x00 : 0x10), 0x87, (byte)algorithm, 0x9A, (byte)length, .. data.AsSpan(offset, length)];
            if (last)
            {
                apdu = [.. apdu, 0x00];
            }
            response = await SendAsync(apdu, cancellationToken);
            if (!last && response.StatusWord != 0x9000)
            {
                break;
            }
        }
        switch (response.StatusWord)
        {
            case 0x9000:
                break;
            case 0x6982:
                throw new PivException(PivError.SecurityStatusNotSatisfied, "The card refused to sign: the passcode is not verified.");
            default:
                throw Unexpected("GENERAL AUTHENTICATE", response);
        }
        var template = BerTlv.ParseSingle(response.Data, 0x7C);
        var signature = BerTlv.Find(BerTlv.ParseAll(template.Value), 0x82)
            ?? throw new PivException(PivError.MalformedResponse, "The card's GENERAL AUTHENTICATE answer has no signature.");
        if (signature.Length == 0)
        {
            throw new PivException(PivError.MalformedResponse, "The card returned an empty signature.");
        }
        return signature.ToArray();
    }

    private async Task<ReadOnlyMemory<byte>> GetDataAsync(byte[] tag, string what, CancellationToken cancellationToken)
    {
        byte[] apdu = [0x00, 0xCB, 0x3F, 0xFF, (byte)(tag.Length + 2), 0x5C, (byte)tag.Length, .. tag, 0x00];
        var response = await SendAsync(apdu, cancellationToken);
        switch (response.StatusWord)
        {
            case 0x9000:
                break;
            case 0x6A82:
                throw new PivException(PivError.ObjectNotFound, $"The card has no {what}.");
            default:
                throw Unexpected($"GET DATA ({what})", response);
        }
        return BerTlv.ParseSingle(response.Data, 0x53).Value;
    }

    /// <summary>Sends one APDU and follows <c>61 xx</c> (GET RESPONSE) and <c>6C xx</c> (wrong Le) answers.</summary>
    internal async Task<ResponseApdu> SendAsync(byte[] apdu, CancellationToken cancellationToken)
    {
        var response = await TransmitAsync(apdu, cancellationToken);
        if (response.Sw1 == 0x6C && apdu.Length >= 4)
        {
            // A copy of the command: it may be a VERIFY holding the PIN, so it is zeroed like the original.
            byte[] again = [.. apdu.AsSpan(0, apdu.Length - 1), response.Sw2];
            try
            {
                response = await TransmitAsync(again, cancellationToken);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(again);
            }
        }
        if (response.Sw1 != 0x61)
        {
            return response;
        }
        var collected = new List<byte>(response.Data.Length + 256);
        while (response.Sw1 == 0x61)
        {
            collected.AddRange(response.Data.Span);
            if (collected.Count > MaxResponseLength)
            {
                throw new PivException(PivError.ResponseTooLong, "The card keeps sending data beyond any PIV object's size.");
            }
            response = await TransmitAsync([0x00, 0xC0, 0x00, 0x00, response.Sw2], cancellationToken);
        }
        collected.AddRange(response.Data.Span);
        if (collected.Count > MaxResponseLength)
        {
            throw new PivException(PivError.ResponseTooLong, "The card sent more data than any PIV object holds.");
        }
        return new ResponseApdu(collected.ToArray(), response.Sw1, response.Sw2);
    }

    private async Task<ResponseApdu> TransmitAsync(byte[] apdu, CancellationToken cancellationToken)
    {
        CommandsSent++;
        var raw = await connection.TransmitAsync(apdu, cancellationToken);
        return ResponseApdu.Parse(raw);
    }

    private static PivKeyAlgorithm AlgorithmOf(X509Certificate2 certificate)
    {
        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return rsa.KeySize == 2048
                    ? PivKeyAlgorithm.Rsa2048
                    : throw new PivException(PivError.UnsupportedCertificate, $"RSA-{rsa.KeySize} keys are not supported (RSA-2048 is).");
            }
        }
        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null && ecdsa.KeySize == 256)
        {
            return PivKeyAlgorithm.EccP256;
        }
        throw new PivException(PivError.UnsupportedCertificate, "The card's key is neither RSA-2048 nor ECC P-256.");
    }

    private static byte[] Decompress(ReadOnlyMemory<byte> compressed)
    {
        try
        {
            using var input = new MemoryStream(compressed.ToArray());
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            var output = new byte[MaxCompressedCertificate + 1];
            var total = 0;
            int n;
            while ((n = gzip.Read(output, total, output.Length - total)) > 0)
            {
                total += n;
                if (total > MaxCompressedCertificate)
                {
                    throw new PivException(PivError.ResponseTooLong, "The card's compressed certificate expands beyond any certificate's size.");
                }
            }
            return output[..total];
        }
        catch (InvalidDataException)
        {
            throw new PivException(PivError.MalformedResponse, "The card's compressed certificate is corrupt.");
        }
    }

    /// <summary>EMSA-PKCS1-v1_5: <c>00 01 FF..FF 00 DigestInfo(SHA-256, hash)</c>.</summary>
    internal static byte[] Pkcs1Pad(byte[] hash, int length)
    {
        var block = new byte[length];
        var t = DigestInfoSha256.Length + hash.Length;
        block[0] = 0x00;
        block[1] = 0x01;
        block.AsSpan(2, length - t - 3).Fill(0xFF);
        block[length - t - 1] = 0x00;
        DigestInfoSha256.CopyTo(block, length - t);
        hash.CopyTo(block, length - hash.Length);
        return block;
    }

    private static byte[] TlvHeader(int tag, int length) => length switch
    {
        < 0x80 => [(byte)tag, (byte)length],
        <= 0xFF => [(byte)tag, 0x81, (byte)length],
        _ => [(byte)tag, 0x82, (byte)(length >> 8), (byte)length],
    };

    private static PivException Unexpected(string command, ResponseApdu response) =>
        new(PivError.UnexpectedStatus, $"The card answered {command} with status {response.StatusWord:X4}.");
}
