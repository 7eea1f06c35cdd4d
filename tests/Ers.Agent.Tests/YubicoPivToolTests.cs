using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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

            await using (var program = CardProgram.Start(pem, state))
            {
                await program.WaitForOutputAsync("inserted");
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("tries left", await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "000000"), StringComparison.Ordinal);
                Assert.Equal("2", (await File.ReadAllTextAsync(state)).Trim());

                await program.Input.WriteLineAsync(); // Enter: removed
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await program.Input.WriteLineAsync(); // Enter: inserted again
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("PIN tries left:\t2", await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status"), StringComparison.Ordinal);
                Assert.Contains("tries left", await RunAsync(false, "-r", "Virtual PCD 00 00", "-a", "verify-pin", "-P", "000000"), StringComparison.Ordinal);
                await program.Input.WriteLineAsync("q");
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await program.WaitForExitAsync();
            }

            await using (var restarted = CardProgram.Start(pem, state))
            {
                await restarted.WaitForOutputAsync("inserted");
                await probe.WaitForAsync(ReaderEventKind.CardInserted, "Virtual PCD 00 00");
                Assert.Contains("PIN tries left:\t1", await RunAsync(true, "-r", "Virtual PCD 00 00", "-a", "status"), StringComparison.Ordinal);
                restarted.Input.Close(); // end of stdin quits
                await probe.WaitForAsync(ReaderEventKind.CardRemoved, "Virtual PCD 00 00");
                await restarted.WaitForExitAsync();
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
        var start = new ProcessStartInfo(Tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        Assert.True(expectSuccess == (process.ExitCode == 0), $"yubico-piv-tool {string.Join(' ', args)} exited {process.ExitCode}: {text}");
        return text;
    }

    /// <summary>The Ers.VirtualCard program, run as a user runs it, with its stdin to type into.</summary>
    private sealed class CardProgram : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private CardProgram(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public StreamWriter Input => _process.StandardInput;

        /// <summary>Waits (generously: a cold start of the program on a loaded machine) for a line of its output.</summary>
        public async Task WaitForOutputAsync(string text)
        {
            if (!await Eventually.TryAsync(() => Output.Contains(text, StringComparison.Ordinal) || _process.HasExited, TimeSpan.FromSeconds(60))
                || !Output.Contains(text, StringComparison.Ordinal))
            {
                throw new TimeoutException($"The card program did not print '{text}'. Its output: {Output}");
            }
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static CardProgram Start(string pem, string state)
        {
            var dll = typeof(VirtualPivCard).Assembly.Location;
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { dll, "--cert", pem, "--state", state },
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var process = Process.Start(start)!;
            process.StandardInput.AutoFlush = true;
            return new CardProgram(process);
        }

        public async Task WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
            string output;
            lock (_output)
            {
                output = _output.ToString();
            }
            Assert.True(_process.ExitCode == 0, $"The card program exited {_process.ExitCode}: {output}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
