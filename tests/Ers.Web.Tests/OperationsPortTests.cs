using System.Globalization;
using System.Net;
using Ers.ServiceDefaults;
using Ers.Testing;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// Probes, the Prometheus scrape and the OpenAPI document on their own port (issue 13, defect 10): the public port
/// (what the ingress routes) answers 404 for them, even with a Host header naming the operations port, and the
/// operations port serves nothing else.
/// </summary>
public sealed class OperationsPortTests
{
    private static readonly string[] OperationsPaths = ["/health/live", "/health/startup", "/metrics", "/openapi/v1.json"];

    [Fact]
    public async Task Operations_endpoints_answer_only_on_the_operations_port_and_pages_only_on_the_public_one()
    {
        var publicPort = FreePort.Next();
        var operationsPort = FreePort.Next();
        await using var host = new ErsWebFactory("ops-port")
        {
            Configure = s => s
                .BrowserHttp($"http://127.0.0.1:{publicPort};http://127.0.0.1:{operationsPort}")
                .Set(OperationsPort.PortKey, operationsPort.ToString(CultureInfo.InvariantCulture)),
        }.StartKestrel();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var publicBase = new Uri($"http://127.0.0.1:{publicPort}");
        var operationsBase = new Uri($"http://127.0.0.1:{operationsPort}");

        foreach (var path in OperationsPaths)
        {
            await Eventually.TrueAsync(async () => (await StatusAsync(http, new Uri(operationsBase, path))) == HttpStatusCode.OK,
                $"{path} to answer 200 on the operations port", TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, new Uri(publicBase, path)));
            // The Host header is the caller's to write: it must not open the operations endpoints on the public port.
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, new Uri(publicBase, path), host: $"127.0.0.1:{operationsPort}"));
        }

        // The agents' mutual-TLS listener is a public port too.
        var agentApi = host.AddressOf("https");
        using var insecure = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(insecure, new Uri(agentApi, "/metrics")));

        Assert.NotEqual(HttpStatusCode.NotFound, await StatusAsync(http, new Uri(publicBase, "/")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, new Uri(operationsBase, "/")));
    }

    [Fact]
    public async Task A_value_that_is_not_a_port_stops_start_up_naming_the_setting()
    {
        await using var factory = new ErsWebFactory("ops-port-bad") { Configure = s => s.Set(OperationsPort.PortKey, "90x") };

        var e = Assert.ThrowsAny<Exception>(() => factory.StartKestrel());

        Assert.Contains(OperationsPort.PortKey, e.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, Uri uri, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
