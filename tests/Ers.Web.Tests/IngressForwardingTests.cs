using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Grains.Telemetry;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 10: a workstation certificate forwarded in a header is believed only from the ingress, that is a
/// connection to the ingress port (<c>Ers:Ingress</c>) whose TLS handshake presented the ingress's own client
/// certificate; not from a network range. From anyone else the header is refused with
/// <c>403 workstation.forwarded-untrusted</c>, counted in <c>ers.requests.unidentified</c> (not audited: anyone can send
/// it), and reaches no grain. Real Kestrel, real TLS on both ports.
/// </summary>
public sealed class IngressForwardingTests(IngressHost host) : IClassFixture<IngressHost>
{
    private const string Header = "X-Client-Cert";

    [Fact]
    public async Task Through_the_ingress_the_forwarded_workstation_certificate_is_believed()
    {
        using var ingress = IngressClient(host.IngressCertificate);

        var pem = await ingress.SendAsync(Heartbeat(Uri.EscapeDataString(host.Workstation1.ExportCertificatePem())));
        var der = await ingress.SendAsync(Heartbeat(Convert.ToBase64String(host.Workstation2.RawData)));

        Assert.Equal(HttpStatusCode.OK, pem.StatusCode);
        Assert.Equal(HttpStatusCode.OK, der.StatusCode);
    }

    [Fact]
    public async Task Through_the_ingress_without_the_header_the_ingress_certificate_is_not_taken_for_a_workstation()
    {
        using var ingress = IngressClient(host.IngressCertificate);

        await AssertCountedAsync(HttpStatusCode.Unauthorized, ApiErrorCodes.ClientCertificateMissing, () => ingress.SendAsync(Heartbeat(null)));
    }

    [Fact]
    public async Task Through_the_ingress_a_forwarded_certificate_no_workstation_ca_issued_is_refused()
    {
        using var ingress = IngressClient(host.IngressCertificate);

        await AssertCountedAsync(HttpStatusCode.Forbidden, ApiErrorCodes.ClientCertificateInvalid,
            () => ingress.SendAsync(Heartbeat(Uri.EscapeDataString(host.ForeignWorkstation.ExportCertificatePem()))));
    }

    [Theory]
    [InlineData("plain HTTP from the address the ingress used to be trusted by")]
    [InlineData("plain HTTP from loopback")]
    [InlineData("the agents' port without a client certificate")]
    [InlineData("the agents' port as another trusted workstation")]
    public async Task The_header_from_anyone_but_the_ingress_is_refused_counted_and_reaches_nothing(string from)
    {
        using var client = from switch
        {
            "plain HTTP from the address the ingress used to be trusted by" => host.ProxyClient("127.0.0.2"),
            "plain HTTP from loopback" => host.ProxyClient("127.0.0.1"),
            "the agents' port without a client certificate" => host.AgentClient(null),
            _ => host.AgentClient(host.Workstation2),
        };

        await AssertCountedAsync(HttpStatusCode.Forbidden, ApiErrorCodes.ForwardedCertificateUntrusted,
            () => client.SendAsync(Heartbeat(Uri.EscapeDataString(host.Workstation1.ExportCertificatePem()))));
    }

    [Fact]
    public async Task The_ingress_port_completes_no_handshake_without_the_ingress_certificate()
    {
        var other = Path.Combine(Path.GetTempPath(), "ers-other-ingress-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The same name and EKU from another CA: the pin is the CA, not the subject.
            using var foreign = X509CertificateLoader.LoadPkcs12(
                DevPki.Init(other, TimeProvider.System).IssueIngressClient().Export(X509ContentType.Pkcs12), null);
            var before = await host.ErsActivationsAsync();

            foreach (var certificate in new X509Certificate2?[] { null, host.Workstation1, foreign })
            {
                using var client = IngressClient(certificate);
                await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Heartbeat(Uri.EscapeDataString(host.Workstation1.ExportCertificatePem()))));
            }

            Assert.Equal(before, await host.ErsActivationsAsync());
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    private HttpClient IngressClient(X509Certificate2? certificate) =>
        AgentHttpClient.Create(host.IngressUrl!, certificate,
            X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(host.Directory, DevPki.ServerCaName)));

    private static HttpRequestMessage Heartbeat(string? forwarded)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, AgentApiRoutes.Heartbeat) { Content = JsonContent.Create(new HeartbeatRequest([])) };
        if (forwarded is not null)
        {
            request.Headers.Add(Header, forwarded);
        }

        return request;
    }

    private async Task AssertCountedAsync(HttpStatusCode status, string code, Func<Task<HttpResponseMessage>> send)
    {
        var before = await host.ErsActivationsAsync();
        var audited = await host.AuditCountAsync();
        using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            ErsMetrics.MeterName, "ers.requests.unidentified");

        using var response = await send();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await AgentApiLoginTests.ProblemCodeAsync(response));
        Assert.Equal(1, collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["ers.reason"], code)).Sum(m => m.Value));
        Assert.Equal(audited, await host.AuditCountAsync());
        Assert.Equal(before, await host.ErsActivationsAsync());
    }
}
