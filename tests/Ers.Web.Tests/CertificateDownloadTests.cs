using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Grains.Telemetry;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Ers.Tools.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, hostile workstation: a client certificate names URLs (Authority Information Access caIssuers, CRL
/// distribution points) that a chain builder allowed to download would fetch, from the web node, while the handshake
/// or the request waits. Ers fetches nothing a client sends: a certificate not issued by a workstation CA is refused
/// (<c>403 workstation.certificate-invalid</c>, counted, not audited) before any chain is built for it, and the chains
/// built on the way there (the TLS handshake's) are built offline. Real Kestrel, real TLS on the agents' and the
/// ingress port, and a real HTTP listener behind every URL the certificates name.
/// </summary>
public sealed class CertificateDownloadTests(IngressHost host) : IClassFixture<IngressHost>
{
    private const string UnknownCa = "an unknown CA";
    private const string ImpostorCa = "another key under the workstation CA's name";
    private const string Intermediate = "an intermediate of the workstation CA that Ers does not trust, not sent";
    private const string SentIntermediate = "an intermediate of the workstation CA that Ers does not trust, sent in the handshake";
    private const string AgentPort = "presented on the agents' port";
    private const string Forwarded = "forwarded by the ingress";

    public static TheoryData<string, string> Refusals => new()
    {
        { UnknownCa, AgentPort },
        { ImpostorCa, AgentPort },
        { Intermediate, AgentPort },
        { SentIntermediate, AgentPort },
        { UnknownCa, Forwarded },
        { ImpostorCa, Forwarded },
        { Intermediate, Forwarded },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_workstation_certificate_whose_issuer_is_no_workstation_ca_is_refused_counted_and_nothing_it_names_is_fetched(
        string issuer, string path)
    {
        await using var trap = new CountingHttpServer();
        var (certificate, sent) = Mint(issuer, trap);
        using var client = path == AgentPort
            ? AgentHttpClient.Create(host.AgentUrl, certificate, sent, ServerRoot())
            : AgentHttpClient.Create(host.IngressUrl!, host.IngressCertificate, ServerRoot());
        var before = await host.ErsActivationsAsync();
        var audited = await host.AuditCountAsync();
        using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            ErsMetrics.MeterName, "ers.requests.unidentified");

        using var response = await client.SendAsync(Heartbeat(path == Forwarded ? certificate : null));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ApiErrorCodes.ClientCertificateInvalid, await AgentApiLoginTests.ProblemCodeAsync(response));
        // Counted on the request's path, before the answer; waited for all the same (the event, not a sleep). Any
        // download a chain build made would be recorded by now: a builder waits for its fetch before it answers.
        await Eventually.TrueAsync(() => Counted(collector) == 1, "the refusal counted in ers.requests.unidentified", TimeSpan.FromSeconds(30));
        Assert.Empty(trap.Requests);
        Assert.Equal(audited, await host.AuditCountAsync());
        Assert.Equal(before, await host.ErsActivationsAsync());

        AssertATrap(certificate, trap);
    }

    [Theory]
    [InlineData(UnknownCa)]
    [InlineData(Intermediate)]
    [InlineData(SentIntermediate)]
    public async Task The_ingress_port_refuses_the_handshake_of_such_a_certificate_and_fetches_nothing_it_names(string issuer)
    {
        await using var trap = new CountingHttpServer();
        var (certificate, sent) = Mint(issuer, trap);
        using var client = AgentHttpClient.Create(host.IngressUrl!, certificate, sent, ServerRoot());
        var before = await host.ErsActivationsAsync();

        // The refused handshake is the event: the server built (and judged) the chain before it sent its alert.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Heartbeat(null)));

        Assert.Empty(trap.Requests);
        Assert.Equal(before, await host.ErsActivationsAsync());
        AssertATrap(certificate, trap);
    }

    [Fact]
    public async Task A_genuine_workstation_certificate_naming_the_same_urls_is_believed_and_nothing_is_fetched()
    {
        await using var trap = new CountingHttpServer();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = host.Time.GetUtcNow();
        var certificate = host.Pki.WorkstationCa.Issue(new X500DistinguishedName("CN=WS-TEST-AIA, O=Ers Workstations"), key,
            now.AddMinutes(-5), now.AddDays(30), X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid],
            crlUrls: [trap.NewUrl("workstation-ca.crl")], caIssuersUrls: [trap.NewUrl("workstation-ca.crt")]);
        using var client = AgentHttpClient.Create(host.AgentUrl, certificate, [], ServerRoot());

        using var response = await client.SendAsync(Heartbeat(null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(trap.Requests);
    }

    /// <summary>
    /// A workstation certificate (CN of a real workstation, clientAuth) from <paramref name="issuer"/>, naming URLs on
    /// <paramref name="trap"/> as its issuer's and its CRL's, and the chain its client sends.
    /// </summary>
    private (X509Certificate2 Certificate, X509Certificate2Collection Sent) Mint(string issuer, CountingHttpServer trap)
    {
        var now = host.Time.GetUtcNow();
        var workstationCa = host.Pki.WorkstationCa;
        var ca = issuer switch
        {
            UnknownCa => CertificateAuthority.CreateRoot("CN=Hostile Workstation CA, O=Elsewhere", now.AddDays(-1), now.AddYears(1)),
            ImpostorCa => CertificateAuthority.CreateRoot(workstationCa.Certificate.Subject, now.AddDays(-1), now.AddYears(1)),
            _ => workstationCa.CreateSubordinate("CN=Hostile Workstation Intermediate, O=Ers Workstations", now.AddDays(-1), now.AddYears(1)),
        };
        if (issuer == ImpostorCa)
        {
            // The same name, byte for byte: only the key tells the two apart.
            Assert.Equal(workstationCa.Certificate.SubjectName.RawData, ca.Certificate.SubjectName.RawData);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = ca.Issue(new X500DistinguishedName("CN=WS-TEST-0001, O=Ers Workstations"), key,
            now.AddMinutes(-5), now.AddDays(30), X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid],
            crlUrls: [trap.NewUrl("issuer.crl")], caIssuersUrls: [trap.NewUrl("issuer.crt")]);
        X509Certificate2Collection sent = issuer == SentIntermediate
            ? [X509CertificateLoader.LoadCertificate(ca.Certificate.RawData)]
            : [];
        return (certificate, sent);
    }

    /// <summary>
    /// The test's own check that it can fail: a chain builder allowed to download does fetch from <paramref name="trap"/>
    /// for <paramref name="certificate"/> (its issuer is missing), so an empty trap above means Ers did not.
    /// </summary>
    private void AssertATrap(X509Certificate2 certificate, CountingHttpServer trap)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(host.Pki.WorkstationCa.Certificate.RawData));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
        chain.ChainPolicy.UrlRetrievalTimeout = TimeSpan.FromSeconds(30);

        Assert.False(chain.Build(certificate));
        Assert.NotEmpty(trap.Requests);
    }

    private X509Certificate2 ServerRoot() =>
        X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(host.Directory, DevPki.ServerCaName));

    private static HttpRequestMessage Heartbeat(X509Certificate2? forwarded)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, AgentApiRoutes.Heartbeat) { Content = JsonContent.Create(new HeartbeatRequest([])) };
        if (forwarded is not null)
        {
            request.Headers.Add("X-Client-Cert", Uri.EscapeDataString(forwarded.ExportCertificatePem()));
        }

        return request;
    }

    private static long Counted(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["ers.reason"], ApiErrorCodes.ClientCertificateInvalid)).Sum(m => m.Value);
}
