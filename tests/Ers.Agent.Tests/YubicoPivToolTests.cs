using System.Security.Cryptography.X509Certificates;
using Ers.Agent.PcSc;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// The virtual card is a PIV card to Yubico's tool too. <c>yubico-piv-tool</c> first SELECTs the YubiKey
/// applications (which fail, <c>6A 82</c>) and then talks PIV without selecting it again, so a failed SELECT must
/// leave PIV selected; and the card keeps its PIN counter across removal and re-insertion, in the library and in
/// the card program.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class YubicoPivToolTests(PcscdFixture pcscd)
{
    private const string Tool = "/usr/bin/yubico-piv-tool";
    private readonly PcScCardReaderService _service = new(TimeProvider.System);

    [Fact]
    public async Task Status_reports_the_card_chuid_certificate_and_pin_tries()
    {
        _ = pcscd;
        var certificate = TestCards.CreateSelfSigned("CN=Yubico Interop, SERIALNUMBER=555294209105", ecc: false);
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(certificate));
        await PcscTests.WaitUntilEmptyAsync(_service, 0);
        await using var probe = new EventProbe(_service);
        await using var link = await InsertAsync(card, probe);

        var status = await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status");

        Assert.Contains("CHUID:\t3019", status, StringComparison.Ordinal); // 30 19 = the FASC-N, first in the CHUID
        Assert.Contains("Slot 9a:", status, StringComparison.Ordinal);
        Assert.Contains("CN=Yubico Interop", status, StringComparison.Ordinal);
        Assert.Contains("PIN tries left:\t3", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_pin_costs_a_try_that_stays_used_after_removal_and_reinsertion()
    {
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Yubico Interop", ecc: true)));
        await PcscTests.WaitUntilEmptyAsync(_service, 0);
        await using var probe = new EventProbe(_service);
        var link = await InsertAsync(card, probe);
        var wrong = await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "000000");
        Assert.Contains("2 tries left", wrong, StringComparison.Ordinal);
        await link.RemoveAsync();
        await probe.WaitForAsync(ReaderEventKind.CardRemoved, link.ReaderName);
        await link.DisposeAsync();

        await using var again = await InsertAsync(card, probe);
        Assert.Contains("PIN tries left:\t2", await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status"), StringComparison.Ordinal);
        await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "123456");
        Assert.Equal(3, card.PinTriesLeft);
    }

    [Fact]
    public async Task The_card_program_keeps_its_pin_counter_across_reinsertion_and_restarts()
    {
        var directory = Directory.CreateTempSubdirectory("ers-vcard-");
        try
        {
            using var certificate = TestCards.CreateSelfSigned("CN=Card Program", ecc: true);
            var pem = Path.Combine(directory.FullName, "card.pem");
            await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
            var state = Path.Combine(directory.FullName, "card.pin-tries");
            // The probe starts on an empty reader: a watcher reports the state it finds first.
            await PcscTests.WaitUntilEmptyAsync(_service, 0);
            await using var probe = new EventProbe(_service);

            await using (var program = StartCardProgram(pem, state))
            {
                await WaitInsertedAsync(program);
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("tries left", await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "000000"), StringComparison.Ordinal);
                Assert.Equal("2", (await File.ReadAllLinesAsync(state))[0]); // line 1 of the card's memory: PIN tries left

                await program.WriteLineAsync(""); // Enter: removed
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await program.WriteLineAsync(""); // Enter: inserted again
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("PIN tries left:\t2", await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status"), StringComparison.Ordinal);
                Assert.Contains("tries left", await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "000000"), StringComparison.Ordinal);
                await program.WriteLineAsync("q");
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await WaitEndedAsync(program);
            }

            await using (var restarted = StartCardProgram(pem, state))
            {
                await WaitInsertedAsync(restarted);
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("PIN tries left:\t1", await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status"), StringComparison.Ordinal);
                restarted.CloseInput(); // end of stdin quits
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await WaitEndedAsync(restarted);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Unblock_pin_with_the_puk_resets_a_blocked_card_and_the_card_program_keeps_the_new_pin_across_restarts()
    {
        var directory = Directory.CreateTempSubdirectory("ers-vcard-");
        try
        {
            using var certificate = TestCards.CreateSelfSigned("CN=Card Program", ecc: true);
            var pem = Path.Combine(directory.FullName, "card.pem");
            await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
            var state = Path.Combine(directory.FullName, "card.pin-tries");
            await File.WriteAllTextAsync(state, "0\n"); // a state file from before cards had a PUK: one number, blocked
            await PcscTests.WaitUntilEmptyAsync(_service, 0);
            await using var probe = new EventProbe(_service);

            await using (var program = StartCardProgram(pem, state, "--puk", "87654321"))
            {
                await WaitInsertedAsync(program);
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("PIN tries left:\t0", await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status"), StringComparison.Ordinal);
                var wrong = await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "unblock-pin", "-P", "11111111", "-N", "24681357");
                Assert.Contains("2 tries left", wrong, StringComparison.Ordinal);
                await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "unblock-pin", "-P", "87654321", "-N", "24681357");
                Assert.Equal(["3", "3"], (await File.ReadAllLinesAsync(state))[..2]);
                program.CloseInput();
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await WaitEndedAsync(program);
            }

            await using (var restarted = StartCardProgram(pem, state))
            {
                await WaitInsertedAsync(restarted);
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "24681357");
                Assert.Contains("tries left", await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "123456"), StringComparison.Ordinal);
                restarted.CloseInput();
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await WaitEndedAsync(restarted);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<VpcdCardLink> InsertAsync(VirtualPivCard card, EventProbe probe)
    {
        var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        await probe.WaitForAsync(ReaderEventKind.CardInserted, link.ReaderName);
        return link;
    }

    private static async Task<string> RunAsync(bool expectSuccess, params string[] args)
    {
        if (!File.Exists(Tool))
        {
            throw new InvalidOperationException($"{Tool} is missing. The test command installs it (apt-get install -y --no-install-recommends yubico-piv-tool).");
        }
        var (exitCode, text) = await ProcessRunner.RunForResultAsync(Tool, args);
        Assert.True(expectSuccess == (exitCode == 0), $"yubico-piv-tool {string.Join(' ', args)} exited {exitCode}: {text}");
        return text;
    }

    /// <summary>The Ers.VirtualCard program, run as a user runs it, with its standard input to type into.</summary>
    private static HostProcess StartCardProgram(string pem, string state, params string[] more)
    {
        var dll = typeof(VirtualPivCard).Assembly.Location;
        return HostProcess.StartDotnet("card program", dll, Path.GetDirectoryName(dll)!, ["--cert", pem, "--state", state, .. more]);
    }

    // Generous: a cold start of the program on a loaded machine.
    private static Task WaitInsertedAsync(HostProcess program) =>
        program.WaitForLineAsync(l => l.Contains("inserted", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "'inserted'");

    private static async Task WaitEndedAsync(HostProcess program) =>
        Assert.Equal(0, await program.WaitForExitAsync(TimeSpan.FromSeconds(30)));
}
