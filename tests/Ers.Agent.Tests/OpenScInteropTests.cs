using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// The virtual card is a real PIV card to a third party too: OpenSC's PIV driver reads its certificate, signs after
/// PIN verification, and a wrong PIN costs a try.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class OpenScInteropTests(PcscdFixture pcscd)
{
    private const string Pkcs11Module = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";
    private readonly PcScCardReaderServiceHolder _holder = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenSC_reads_the_certificate_and_signs_after_pin_verification(bool ecc)
    {
        _ = pcscd;
        var certificate = TestCards.CreateSelfSigned("CN=OpenSC Interop, SERIALNUMBER=555294209105", ecc);
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(certificate));
        await using var link = await _holder.InsertAsync(card);

        var pem = await RunAsync("pkcs15-tool", "--reader", "0", "--read-certificate", "01");
        Assert.Equal(certificate.RawData, X509Certificate2.CreateFromPem(pem).RawData);

        var input = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            var message = RandomNumberGenerator.GetBytes(100);
            await File.WriteAllBytesAsync(input, message);
            await RunAsync("pkcs11-tool", "--module", Pkcs11Module, "--slot-index", "0", "--login", "--pin", "123456",
                "--sign", "--id", "01", "--mechanism", ecc ? "ECDSA-SHA256" : "SHA256-RSA-PKCS",
                "--signature-format", "openssl", "--input-file", input, "--output-file", output);
            var signature = await File.ReadAllBytesAsync(output);
            Assert.True(ecc
                ? certificate.GetECDsaPublicKey()!.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                : certificate.GetRSAPublicKey()!.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact]
    public async Task OpenSC_wrong_pin_costs_a_try_and_the_right_one_restores_them()
    {
        var certificate = TestCards.CreateSelfSigned("CN=OpenSC Interop", ecc: true);
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(certificate));
        await using var link = await _holder.InsertAsync(card);

        var wrong = await RunAsync(expectSuccess: false, "pkcs15-tool", "--reader", "0", "--verify-pin", "--pin", "000000");
        Assert.Contains("PIN code or key incorrect", wrong, StringComparison.Ordinal);
        Assert.Equal(2, card.PinTriesLeft);
        await RunAsync("pkcs15-tool", "--reader", "0", "--verify-pin", "--pin", "123456");
        Assert.Equal(3, card.PinTriesLeft);
    }

    private static Task<string> RunAsync(string tool, params string[] args) => RunAsync(true, tool, args);

    private static async Task<string> RunAsync(bool expectSuccess, string tool, params string[] args)
    {
        var path = $"/usr/bin/{tool}";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: OpenSC is not installed. The test command installs it (apt-get install -y --no-install-recommends opensc).");
        }
        if (!File.Exists(Pkcs11Module))
        {
            throw new InvalidOperationException($"{Pkcs11Module} is missing: OpenSC's PKCS#11 module is not installed (apt-get install opensc-pkcs11).");
        }
        var (exitCode, text) = await ProcessRunner.RunForResultAsync(path, args);
        if (expectSuccess)
        {
            Assert.True(exitCode == 0, $"{tool} failed ({exitCode}): {text}");
        }
        else
        {
            Assert.NotEqual(0, exitCode);
        }
        return text;
    }

    private sealed class PcScCardReaderServiceHolder
    {
        private readonly Ers.Agent.PcSc.PcScCardReaderService _service = new(TimeProvider.System);

        public async Task<VpcdCardLink> InsertAsync(VirtualPivCard card)
        {
            await PcscTests.WaitUntilEmptyAsync(_service, 0);
            await PcscTests.WaitUntilEmptyAsync(_service, 1);
            await using var probe = new EventProbe(_service);
            var link = new VpcdCardLink(card, 0);
            await link.InsertAsync();
            await probe.WaitForAsync(Ers.Agent.PcSc.ReaderEventKind.CardInserted, link.ReaderName);
            return link;
        }
    }
}
