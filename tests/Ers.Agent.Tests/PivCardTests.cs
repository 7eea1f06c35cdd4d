using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Agent.Piv;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

public sealed class PivCardTests
{
    private static readonly byte[] Ok = [0x90, 0x00];

    [Theory]
    [InlineData("12345")]
    [InlineData("123456789")]
    [InlineData("12345a")]
    [InlineData("")]
    [InlineData("１２３４５６")] // full-width digits are not ASCII digits
    public async Task Badly_shaped_pin_is_refused_before_the_card(string pin)
    {
        var card = new ScriptedCard(Ok);
        var piv = new PivCard(card);
        var ex = await Assert.ThrowsAsync<PivException>(() => piv.VerifyPinAsync(pin.ToCharArray(), default));
        Assert.Equal(PivError.PinFormat, ex.Error);
        Assert.Empty(card.Sent);
    }

    [Fact]
    public async Task Verify_sends_the_pin_padded_with_ff()
    {
        var card = new ScriptedCard(Ok);
        var status = await new PivCard(card).VerifyPinAsync("123456".ToCharArray(), default);
        Assert.Equal(PinState.Verified, status.State);
        Assert.Equal(Convert.FromHexString("0020008008313233343536FFFF"), card.Sent[0]);
    }

    public static TheoryData<string, PinState, int> VerifyAnswers => new()
    {
        { "63C2", PinState.NotVerified, 2 },
        { "63C1", PinState.NotVerified, 1 },
        { "63C0", PinState.Blocked, 0 },
        { "6983", PinState.Blocked, 0 },
        { "9000", PinState.Verified, -1 },
    };

    [Theory]
    [MemberData(nameof(VerifyAnswers))]
    public async Task Verify_answers_map_to_pin_states(string sw, PinState state, int tries)
    {
        var status = await new PivCard(new ScriptedCard(Convert.FromHexString(sw))).VerifyPinAsync("123456".ToCharArray(), default);
        Assert.Equal(new PinStatus(state, tries), status);
    }

    public static TheoryData<string[]> HostileCertificateAnswers => new()
    {
        new[] { "" },                                   // no status word at all
        new[] { "90" },                                 // half a status word
        new[] { "6F00" },                               // unexpected status
        new[] { "6A82" },                               // object missing
        new[] { "9000" },                               // success but no data
        new[] { "7001009000" },                         // wrong outer tag
        new[] { "5382FFFF7000" + "9000" },              // outer length lies
        new[] { "530470FF0102" + "9000" },              // inner length lies
        new[] { "53037001FF9000" },                     // certificate is one byte of garbage
        new[] { "5300" + "9000" },                      // empty object
        new[] { "5303710101" + "9000" },                // compressed flag, no certificate
        new[] { "53067002AABB710101" + "9000" },        // compressed flag, corrupt gzip
        new[] { "5301" + "61FF" },                      // chained answer that never ends
    };

    [Theory]
    [MemberData(nameof(HostileCertificateAnswers))]
    public async Task Hostile_certificate_answers_are_typed_errors(string[] answers)
    {
        var script = answers.Select(Convert.FromHexString).ToArray();
        if (answers[0] == "530161FF")
        {
            script = [.. Enumerable.Repeat(Convert.FromHexString(new string('0', 510) + "61FF"), 400)];
        }
        var piv = new PivCard(new ScriptedCard(script));
        await Assert.ThrowsAsync<PivException>(() => piv.ReadAuthenticationCertificateAsync(default));
    }

    public static TheoryData<string> HostileChuids => new()
    {
        "53023400" + "9000",                         // GUID empty
        "5304340201029000",                          // GUID too short
        "531234100000000000000000000000000000000000" + "9000", // GUID all zero (and length lies)
        "53123410000000000000000000000000000000009000", // GUID all zero
        "5303300100" + "9000",                       // no GUID
        "6A82",
        "61",
    };

    [Theory]
    [MemberData(nameof(HostileChuids))]
    public async Task Hostile_chuid_answers_are_typed_errors(string answer)
    {
        var piv = new PivCard(new ScriptedCard(Convert.FromHexString(answer)));
        await Assert.ThrowsAsync<PivException>(() => piv.ReadCardIdAsync(default));
    }

    public static TheoryData<string> HostileSignatures => new()
    {
        "6982",
        "6A80",
        "9000",
        "7C00" + "9000",
        "7C028200" + "9000",
        "7C0482FF0102" + "9000",
        "7C048202AABB" + "9000",   // a signature that does not verify
        "7D048202AABB" + "9000",
    };

    [Theory]
    [MemberData(nameof(HostileSignatures))]
    public async Task Hostile_signature_answers_are_typed_errors(string answer)
    {
        var certificate = TestCards.CreateSelfSigned("CN=Card", ecc: true);
        var der = certificate.RawData;
        var pivCertificate = new PivCertificate(der, certificate, PivKeyAlgorithm.EccP256);
        var piv = new PivCard(new ScriptedCard(Convert.FromHexString(answer)));
        await Assert.ThrowsAsync<PivException>(() => piv.SignAsync(pivCertificate, new byte[32], default));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Virtual_card_reads_and_signs(bool ecc)
    {
        var certificate = TestCards.CreateSelfSigned("CN=Card", ecc);
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(certificate));
        var piv = new PivCard(new DirectCard(card));
        await piv.SelectAsync(default);
        Assert.Equal(card.CardId, await piv.ReadCardIdAsync(default));
        var read = await piv.ReadAuthenticationCertificateAsync(default);
        Assert.Equal(certificate.RawData, read.Der);
        await Assert.ThrowsAsync<PivException>(() => piv.SignAsync(read, "challenge"u8.ToArray(), default));
        Assert.Equal(PinState.Verified, (await piv.VerifyPinAsync("123456".ToCharArray(), default)).State);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var signature = await piv.SignAsync(read, challenge, default);
        Assert.True(ecc
            ? certificate.GetECDsaPublicKey()!.VerifyData(challenge, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : certificate.GetRSAPublicKey()!.VerifyData(challenge, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Card_id_is_the_chuid_guid_as_a_uuid_like_the_dev_pki_names_it()
    {
        var id = Guid.Parse("0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9");
        var certificate = TestCards.CreateSelfSigned("CN=Card", ecc: true);
        var key = VirtualCardOptions.FromCertificate(certificate);
        var card = new VirtualPivCard(new VirtualCardOptions { Certificate = certificate, PrivateKey = key.PrivateKey, CardGuid = VirtualCardOptions.CardGuidFrom(id) });
        var piv = new PivCard(new DirectCard(card));
        await piv.SelectAsync(default);
        Assert.Equal("0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9", await piv.ReadCardIdAsync(default));
    }

    [Fact]
    public void Pkcs1_padding_matches_the_platform()
    {
        using var rsa = RSA.Create(2048);
        var hash = SHA256.HashData("x"u8);
        var block = PivCard.Pkcs1Pad(hash, 256);
        var expected = rsa.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // Applying the public key to the platform's signature gives back exactly our block.
        var p = rsa.ExportParameters(false);
        var s = new System.Numerics.BigInteger(expected, isUnsigned: true, isBigEndian: true);
        var m = System.Numerics.BigInteger.ModPow(s, new(p.Exponent, true, true), new(p.Modulus, true, true));
        var recovered = new byte[256];
        var bytes = m.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(recovered, 256 - bytes.Length);
        Assert.Equal(block, recovered);
    }
}
