using System.Security.Cryptography.X509Certificates;
using Ers.Tools.Commands;
using Ers.Tools.Pki;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Web.Tests;

/// <summary>The <c>ers pki</c> commands, run through the same dispatcher as the <c>ers</c> executable.</summary>
public sealed class PkiCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ers-pki-cmd-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Dev_creates_everything_a_local_run_needs_and_a_second_run_changes_nothing()
    {
        var users = WriteDirectory();
        var (code, output, _) = await RunAsync("pki", "dev", "--out", _directory, "--directory", users);
        Assert.Equal(0, code);
        Assert.Contains("created", output, StringComparison.Ordinal);
        var before = Snapshot();

        var (again, secondOutput, _) = await RunAsync("pki", "dev", "--out", _directory, "--directory", users);

        Assert.Equal(0, again);
        Assert.Equal(before, Snapshot());
        Assert.DoesNotContain("created", secondOutput, StringComparison.Ordinal);
        foreach (var file in new[] { "server.pfx", "token-signing.key", "oidc-signing.key.pem", "oidc-encryption.key.pem", "crl/smartcard-issuing-ca.crl", "workstations/WS-DEV-0001.pfx", "cards/555294209105-rsa.json" })
        {
            Assert.True(File.Exists(Path.Combine(_directory, file)), file);
        }
    }

    [Fact]
    public async Task Issued_cards_chain_to_the_root_with_digital_signature_client_auth_and_the_user_uuid()
    {
        await RunAsync("pki", "init", "--out", _directory);
        var (code, _, _) = await RunAsync("pki", "issue-cards", "--out", _directory, "--directory", WriteDirectory(), "--algorithm", "both");
        Assert.Equal(0, code);

        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_directory, "cards", "555294209106-p256.crt.pem")));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(DevPki.CertificatePath(_directory, DevPki.SmartcardRootName));
        chain.ChainPolicy.ExtraStore.ImportFromPemFile(DevPki.CertificatePath(_directory, DevPki.SmartcardIssuingName));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate));
        Assert.True(certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature));
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(),
            o => o.Value == CertificateAuthority.ClientAuthOid);
        Assert.Contains("SERIALNUMBER=555294209106", certificate.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(certificate.GetECDsaPublicKey());
        Assert.True(File.Exists(Path.Combine(_directory, "cards", "555294209106-rsa.pfx")));
    }

    [Fact]
    public async Task Revoke_then_crl_publishes_the_serial_on_a_crl_signed_by_the_issuing_ca()
    {
        await RunAsync("pki", "init", "--out", _directory);
        await RunAsync("pki", "issue-workstation", "--out", _directory, "--id", "WS-0042");
        var workstation = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_directory, "workstations", "WS-0042.crt.pem")));

        Assert.Equal(0, (await RunAsync("pki", "revoke", "--out", _directory, "--serial", workstation.SerialNumber)).Code);
        Assert.Equal(0, (await RunAsync("pki", "crl", "--out", _directory)).Code);

        var crl = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(await File.ReadAllBytesAsync(DevPki.CrlPath(_directory, DevPki.WorkstationCaName)));
        var ca = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(
            X509Certificate2.CreateFromPem(File.ReadAllText(DevPki.CertificatePath(_directory, DevPki.WorkstationCaName))).RawData);
        crl.Verify(ca.GetPublicKey());
        Assert.Equal(workstation.SerialNumber.TrimStart('0'), Assert.Single(crl.GetRevokedCertificates()).SerialNumber.ToString(16).ToUpperInvariant());
    }

    [Fact]
    public async Task Revoke_from_a_saved_revocations_answer_puts_the_issuing_cas_serials_on_its_next_crl_and_skips_other_cas()
    {
        await RunAsync("pki", "init", "--out", _directory);
        await RunAsync("pki", "issue-cards", "--out", _directory, "--directory", WriteDirectory());
        var card = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_directory, "cards", "555294209106-rsa.crt.pem")));
        var issuing = X509Certificate2.CreateFromPem(File.ReadAllText(DevPki.CertificatePath(_directory, DevPki.SmartcardIssuingName)));
        var issuerHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(issuing.RawData));
        var saved = Path.Combine(_directory, "revocations.json");
        await File.WriteAllTextAsync(saved, System.Text.Json.JsonSerializer.Serialize(new
        {
            odsCode = "RYY",
            revocations = new[]
            {
                new { issuerHash, serialNumber = card.SerialNumber.TrimStart('0'), cardId = "card-1", reason = "card reported stolen" },
                new { issuerHash = new string('A', 64), serialNumber = "0BAD", cardId = "card-2", reason = "another CA's" },
            },
        }));

        var (code, output, _) = await RunAsync("pki", "revoke", "--out", _directory, "--from", saved);
        Assert.Equal(0, (await RunAsync("pki", "crl", "--out", _directory)).Code);

        Assert.Equal(0, code);
        Assert.Contains("Revoked 1 of 1", output, StringComparison.Ordinal);
        Assert.Contains("1 of other CAs skipped", output, StringComparison.Ordinal);
        var crl = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(await File.ReadAllBytesAsync(DevPki.CrlPath(_directory, DevPki.SmartcardIssuingName)));
        Assert.Equal(card.SerialNumber.TrimStart('0'), Assert.Single(crl.GetRevokedCertificates()).SerialNumber.ToString(16).ToUpperInvariant());
        Assert.Contains("Revoked 0 of 1 listed certificates of the smartcard issuing CA (1 already revoked",
            (await RunAsync("pki", "revoke", "--out", _directory, "--from", saved)).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pki", "frobnicate")]
    [InlineData("pki", "issue-cards", "--bogus", "x")]
    [InlineData("nonsense")]
    public async Task Wrong_usage_exits_2_with_a_message(params string[] args)
    {
        var (code, _, error) = await RunAsync(args.Select(a => a == "DIR" ? _directory : a).ToArray());
        Assert.Equal(2, code);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Commands_on_a_missing_pki_fail_with_a_clear_message()
    {
        var (code, _, error) = await RunAsync("pki", "issue-workstation", "--out", _directory, "--id", "WS-1");
        Assert.Equal(1, code);
        Assert.Contains("ers pki init", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandDispatcher.RunAsync(args, new CommandContext(output, error, _time));
        return (code, output.ToString(), error.ToString());
    }

    private string WriteDirectory()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "..", Path.GetFileName(_directory) + "-directory.json");
        File.WriteAllText(path, """{"users":[{"uuid":"555294209105","name":"Dr Amelia Hart","roleProfiles":[]},{"uuid":"555294209106","name":"Dr Rahul Mehta","roleProfiles":[]}]}""");
        return path;
    }

    private Dictionary<string, string> Snapshot() =>
        System.IO.Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_directory, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
