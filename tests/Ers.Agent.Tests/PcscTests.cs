using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Agent.PcSc;
using Ers.Agent.Piv;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

[Collection(PcscdCollection.Name)]
public sealed class PcscTests(PcscdFixture pcscd)
{
    private readonly PcScCardReaderService _service = new(TimeProvider.System);

    private static VirtualPivCard NewCard(bool ecc = false, MalformedAnswers malformed = MalformedAnswers.None)
    {
        var options = VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Test Card, SERIALNUMBER=555294209105", ecc));
        options.Malformed = malformed;
        return new VirtualPivCard(options);
    }

    [Fact]
    public unsafe void Reader_state_has_the_64_bit_linux_layout() =>
        Assert.Equal(80, sizeof(PcScNative.ReaderState));

    [Fact]
    public void Both_vpcd_readers_are_listed() =>
        Assert.Superset(new HashSet<string> { "Virtual PCD 00 00", "Virtual PCD 00 01" }, _service.ListReaders().ToHashSet());

    [Fact]
    public async Task Insertion_and_removal_are_seen_per_reader()
    {
        await WaitUntilEmptyAsync(_service, 0);
        await WaitUntilEmptyAsync(_service, 1);
        await using var probe = new EventProbe(_service);
        await using var first = new VpcdCardLink(NewCard(), 0);
        await using var second = new VpcdCardLink(NewCard(), 1);
        await first.InsertAsync();
        var inserted = await probe.WaitForAsync(ReaderEventKind.CardInserted, first.ReaderName);
        Assert.Equal(VirtualPivCard.Atr, inserted.Atr);
        await second.InsertAsync();
        await probe.WaitForAsync(ReaderEventKind.CardInserted, second.ReaderName);
        await first.RemoveAsync();
        await probe.WaitForAsync(ReaderEventKind.CardRemoved, first.ReaderName);
        await second.RemoveAsync();
        await probe.WaitForAsync(ReaderEventKind.CardRemoved, second.ReaderName);
    }

    [Fact]
    public async Task Piv_card_id_and_certificate_are_read_through_pcscd()
    {
        var card = NewCard();
        await using var link = await InsertAndWaitAsync(card);
        await using var connection = await _service.ConnectAsync(link.ReaderName, default);
        var piv = new PivCard(connection);
        await piv.SelectAsync(default);
        Assert.Equal(card.CardId, await piv.ReadCardIdAsync(default));
        var certificate = await piv.ReadAuthenticationCertificateAsync(default);
        Assert.Equal(PivKeyAlgorithm.Rsa2048, certificate.Algorithm);
        Assert.Contains("555294209105", certificate.Certificate.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_pin_twice_then_right_counts_down_then_resets()
    {
        var card = NewCard();
        await using var link = await InsertAndWaitAsync(card);
        await using var connection = await _service.ConnectAsync(link.ReaderName, default);
        var piv = new PivCard(connection);
        await piv.SelectAsync(default);
        Assert.Equal(new PinStatus(PinState.NotVerified, 3), await piv.GetPinStatusAsync(default));
        Assert.Equal(new PinStatus(PinState.NotVerified, 2), await piv.VerifyPinAsync("654321".ToCharArray(), default));
        Assert.Equal(new PinStatus(PinState.NotVerified, 1), await piv.VerifyPinAsync("111111".ToCharArray(), default));
        Assert.Equal(PinState.Verified, (await piv.VerifyPinAsync("123456".ToCharArray(), default)).State);
        Assert.Equal(3, card.PinTriesLeft);
    }

    [Fact]
    public async Task Three_wrong_pins_block_the_card_for_good()
    {
        var card = NewCard();
        await using var link = await InsertAndWaitAsync(card);
        await using (var connection = await _service.ConnectAsync(link.ReaderName, default))
        {
            var piv = new PivCard(connection);
            await piv.SelectAsync(default);
            await piv.VerifyPinAsync("000000".ToCharArray(), default);
            await piv.VerifyPinAsync("000000".ToCharArray(), default);
            Assert.Equal(new PinStatus(PinState.Blocked, 0), await piv.VerifyPinAsync("000000".ToCharArray(), default));
            Assert.Equal(new PinStatus(PinState.Blocked, 0), await piv.VerifyPinAsync("123456".ToCharArray(), default));
        }
        // Blocked survives removal and re-insertion (it is the card's state, not the session's).
        await link.RemoveAsync();
        await using var again = await InsertAndWaitAsync(card);
        await using var second = await _service.ConnectAsync(again.ReaderName, default);
        var piv2 = new PivCard(second);
        await piv2.SelectAsync(default);
        Assert.Equal(PinState.Blocked, (await piv2.GetPinStatusAsync(default)).State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task General_authenticate_signatures_verify_with_the_certificate_key(bool ecc)
    {
        var card = NewCard(ecc);
        await using var link = await InsertAndWaitAsync(card);
        await using var connection = await _service.ConnectAsync(link.ReaderName, default);
        var piv = new PivCard(connection);
        await piv.SelectAsync(default);
        var certificate = await piv.ReadAuthenticationCertificateAsync(default);
        Assert.Equal(ecc ? PivKeyAlgorithm.EccP256 : PivKeyAlgorithm.Rsa2048, certificate.Algorithm);
        await piv.VerifyPinAsync("123456".ToCharArray(), default);
        var challenge = RandomNumberGenerator.GetBytes(48);
        // Raw GENERAL AUTHENTICATE (not SignAsync, which verifies itself): check the card's answer independently.
        var hash = SHA256.HashData(challenge);
        var signature = await piv.GeneralAuthenticateAsync(certificate.Algorithm, ecc ? hash : PivCard.Pkcs1Pad(hash, 256), default);
        var fromFile = X509CertificateLoader.LoadCertificate(certificate.Der);
        Assert.True(ecc
            ? fromFile.GetECDsaPublicKey()!.VerifyData(challenge, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : fromFile.GetRSAPublicKey()!.VerifyData(challenge, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData(MalformedAnswers.BrokenCertificateTlv, PivError.MalformedResponse)]
    [InlineData(MalformedAnswers.TruncatedCertificate, PivError.UnsupportedCertificate)]
    [InlineData(MalformedAnswers.WrongStatusWords, PivError.UnexpectedStatus)]
    public async Task Malformed_card_answers_are_typed_errors(MalformedAnswers malformed, PivError expected)
    {
        await using var link = await InsertAndWaitAsync(NewCard(malformed: malformed));
        await using var connection = await _service.ConnectAsync(link.ReaderName, default);
        var piv = new PivCard(connection);
        await piv.SelectAsync(default);
        var ex = await Assert.ThrowsAsync<PivException>(() => piv.ReadAuthenticationCertificateAsync(default));
        Assert.Equal(expected, ex.Error);
    }

    [Fact]
    public async Task Card_pulled_mid_session_is_a_clean_card_removed_error()
    {
        await WaitUntilEmptyAsync(_service, 0);
        await using var probe = new EventProbe(_service);
        var link = new VpcdCardLink(NewCard(), 0);
        await link.InsertAsync();
        await probe.WaitForAsync(ReaderEventKind.CardInserted, link.ReaderName);
        await using var connection = await _service.ConnectAsync(link.ReaderName, default);
        var piv = new PivCard(connection);
        await piv.SelectAsync(default);
        await link.RemoveAsync();
        // Before pcscd's next poll has noticed, and after.
        var early = await Assert.ThrowsAsync<SmartCardException>(() => piv.ReadCardIdAsync(default));
        Assert.Equal(SmartCardError.CardRemoved, early.Error);
        await probe.WaitForAsync(ReaderEventKind.CardRemoved, link.ReaderName);
        var late = await Assert.ThrowsAsync<SmartCardException>(() => piv.ReadCardIdAsync(default));
        Assert.Equal(SmartCardError.CardRemoved, late.Error);
    }

    [Fact]
    public async Task Connecting_to_an_empty_reader_is_a_clean_error()
    {
        await WaitUntilEmptyAsync(_service, 1);
        var ex = await Assert.ThrowsAsync<SmartCardException>(() => _service.ConnectAsync("Virtual PCD 00 01", default));
        Assert.Equal(SmartCardError.CardRemoved, ex.Error);
    }

    [Fact]
    public async Task Watcher_recovers_by_itself_when_pcscd_restarts()
    {
        await WaitUntilEmptyAsync(_service, 0);
        await using var probe = new EventProbe(_service);
        var card = NewCard();
        var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        await probe.WaitForAsync(ReaderEventKind.CardInserted, link.ReaderName);

        await pcscd.RestartAsync();

        await probe.WaitForAsync(ReaderEventKind.CardRemoved, link.ReaderName);
        await probe.WaitForAsync(ReaderEventKind.ServiceUnavailable);
        await probe.WaitForAsync(ReaderEventKind.ServiceAvailable);
        await link.Completion; // the old pcscd took the card's connection with it
        await using var again = new VpcdCardLink(card, 0);
        await again.InsertAsync();
        await probe.WaitForAsync(ReaderEventKind.CardInserted, again.ReaderName);
        await using var connection = await _service.ConnectAsync(again.ReaderName, default);
        var piv = new PivCard(connection);
        await piv.SelectAsync(default);
        Assert.Equal(card.CardId, await piv.ReadCardIdAsync(default));
    }

    private async Task<VpcdCardLink> InsertAndWaitAsync(VirtualPivCard card, int reader = 0)
    {
        await WaitUntilEmptyAsync(_service, reader);
        await using var probe = new EventProbe(_service);
        var link = new VpcdCardLink(card, reader);
        await link.InsertAsync();
        await probe.WaitForAsync(ReaderEventKind.CardInserted, link.ReaderName);
        return link;
    }

    /// <summary>
    /// pcscd notices a removal at its next poll (up to 400 ms later); a test that inserts before then would see the
    /// previous test's card. Waits for the reader to be seen empty.
    /// </summary>
    internal static async Task WaitUntilEmptyAsync(ICardReaderService service, int reader)
    {
        var name = $"Virtual PCD 00 {reader:D2}";
        using var timeout = new CancellationTokenSource(EventProbe.Timeout);
        while (service.IsCardPresent(name))
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
