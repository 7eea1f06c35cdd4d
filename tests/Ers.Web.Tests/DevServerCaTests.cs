using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Tools.Commands;
using Ers.Tools.Pki;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Web.Tests;

/// <summary>
/// <c>ers pki dev</c>'s server CA: it alone signs the server certificate, it can only vouch for loopback names, and a
/// <c>.ers/pki</c> made before it existed (server certificate signed by the workstation CA) is upgraded in place.
/// </summary>
public sealed class DevServerCaTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ers-server-ca-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Dev_signs_the_server_certificate_with_a_server_ca_for_loopback_only_and_never_with_the_workstation_ca()
    {
        var (code, output, error) = await RunAsync("pki", "dev", "--out", _directory);
        Assert.True(code == 0, error);
        Assert.Contains("Server CA: created", output, StringComparison.Ordinal);

        var server = X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.ServerName));
        var serverCa = X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.ServerCaName));
        Assert.True(ChainsTo(server, serverCa));
        Assert.False(ChainsTo(server, X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.WorkstationCaName))));
        Assert.Contains(server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(),
            o => o.Value == CertificateAuthority.ServerAuthOid);
        Assert.Equal(["localhost", "127.0.0.1", "::1"], SubjectAlternativeNames(server));

        var constraints = serverCa.Extensions[CertificateAuthority.NameConstraintsOid];
        Assert.NotNull(constraints);
        Assert.True(constraints.Critical);
        Assert.Equal(["dns:localhost", "ip:7F000000FF000000", "ip:00000000000000000000000000000001FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"],
            PermittedSubtrees(constraints.RawData));
        Assert.True(serverCa.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);

        // A certificate for any other name, even signed by the server CA, does not chain: the constraints bind.
        var pki = DevPki.Open(_directory, _time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("ers.example.org");
        using var elsewhere = pki.ServerCa.Issue(new X500DistinguishedName("CN=ers.example.org"), key,
            _time.GetUtcNow().AddMinutes(-5), _time.GetUtcNow().AddDays(1), X509KeyUsageFlags.DigitalSignature,
            [CertificateAuthority.ServerAuthOid], names.Build());
        Assert.False(ChainsTo(elsewhere, serverCa));
    }

    [Fact]
    public async Task An_older_pki_with_a_server_certificate_of_the_workstation_ca_is_upgraded_and_the_old_one_revoked()
    {
        var old = IssueServerTheOldWay();
        var cardsBefore = File.ReadAllText(DevPki.CertificatePath(_directory, DevPki.SmartcardRootName));

        var (code, output, error) = await RunAsync("pki", "dev", "--out", _directory);

        Assert.True(code == 0, error);
        Assert.Contains("issued again by the server CA (it was signed by the workstation CA)", output, StringComparison.Ordinal);
        Assert.Contains("revoked", output, StringComparison.Ordinal);
        var server = X509Certificate2.CreateFromPemFile(DevPki.CertificatePath(_directory, DevPki.ServerName), DevPki.KeyPath(_directory, DevPki.ServerName));
        Assert.NotEqual(old.SerialNumber, server.SerialNumber);
        Assert.True(ChainsTo(server, X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.ServerCaName))));
        var pfx = X509CertificateLoader.LoadPkcs12FromFile(DevPki.PfxPath(_directory, DevPki.ServerName), string.Empty);
        Assert.Equal(server.Thumbprint, pfx.Thumbprint);
        // The CAs that signed cards and workstations are untouched: what was issued with them stays valid.
        Assert.Equal(cardsBefore, File.ReadAllText(DevPki.CertificatePath(_directory, DevPki.SmartcardRootName)));
        var crl = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(await File.ReadAllBytesAsync(DevPki.CrlPath(_directory, DevPki.WorkstationCaName)));
        Assert.Contains(crl.GetRevokedCertificates().Cast<Org.BouncyCastle.X509.X509CrlEntry>(),
            e => DevPki.NormaliseSerial(e.SerialNumber.ToString(16)) == DevPki.NormaliseSerial(old.SerialNumber));

        var (again, secondOutput, _) = await RunAsync("pki", "dev", "--out", _directory);
        Assert.Equal(0, again);
        Assert.DoesNotContain("Server", secondOutput, StringComparison.Ordinal);
        Assert.Equal(server.Thumbprint, X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.ServerName)).Thumbprint);
    }

    [Fact]
    public async Task A_server_certificate_near_its_end_is_issued_again_by_the_same_server_ca()
    {
        await RunAsync("pki", "dev", "--out", _directory);
        var first = X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.ServerName));
        var serverCa = File.ReadAllText(DevPki.CertificatePath(_directory, DevPki.ServerCaName));

        _time.Advance(TimeSpan.FromDays(340));
        var (code, output, _) = await RunAsync("pki", "dev", "--out", _directory);

        Assert.Equal(0, code);
        Assert.Contains("issued again by the server CA (it expires soon)", output, StringComparison.Ordinal);
        Assert.NotEqual(first.SerialNumber, X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(_directory, DevPki.ServerName)).SerialNumber);
        Assert.Equal(serverCa, File.ReadAllText(DevPki.CertificatePath(_directory, DevPki.ServerCaName)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandDispatcher.RunAsync(args, new CommandContext(output, error, _time));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>What <c>ers pki dev</c> wrote before the server CA existed: a server certificate by the workstation CA.</summary>
    private X509Certificate2 IssueServerTheOldWay()
    {
        var pki = DevPki.Init(_directory, _time);
        pki.IssueWorkstation(PkiCommands.DefaultWorkstation);
        pki.EnsureTokenKey();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        var server = pki.WorkstationCa.Issue(new X500DistinguishedName("CN=localhost, O=Ers"), key,
            _time.GetUtcNow().AddMinutes(-5), _time.GetUtcNow().AddDays(365), X509KeyUsageFlags.DigitalSignature,
            [CertificateAuthority.ServerAuthOid], names.Build());
        File.WriteAllText(DevPki.CertificatePath(_directory, DevPki.ServerName), server.ExportCertificatePem());
        File.WriteAllText(DevPki.KeyPath(_directory, DevPki.ServerName), server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(DevPki.PfxPath(_directory, DevPki.ServerName), server.Export(X509ContentType.Pkcs12, string.Empty));
        pki.RecordIssued(server, DevPki.WorkstationCaName, "server");
        pki.WriteCrls(PkiCommands.CrlValidity);
        Assert.False(File.Exists(DevPki.CertificatePath(_directory, DevPki.ServerCaName)));
        return server;
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(CertificateAuthority.ServerAuthOid));
        return chain.Build(certificate);
    }

    private static List<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        return [.. extension.EnumerateDnsNames(), .. extension.EnumerateIPAddresses().Select(a => a.ToString())];
    }

    private static List<string> PermittedSubtrees(byte[] der)
    {
        var names = new List<string>();
        var constraints = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var permitted = constraints.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        Assert.False(constraints.HasData);
        while (permitted.HasData)
        {
            var subtree = permitted.ReadSequence();
            var tag = subtree.PeekTag();
            names.Add(tag.TagValue switch
            {
                2 => "dns:" + subtree.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                7 => "ip:" + Convert.ToHexString(subtree.ReadOctetString(tag)),
                _ => "other",
            });
        }

        return names;
    }
}
