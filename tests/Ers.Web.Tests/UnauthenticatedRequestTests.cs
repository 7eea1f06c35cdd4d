using System.Net;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Grains.Telemetry;
using Ers.Testing.Hosts;
using Ers.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 4: a request refused before its workstation is known (no client certificate, an untrusted or
/// revoked one; a forwarded certificate header from anyone but the ingress: IngressForwardingTests) is answered with its code and COUNTED in
/// <c>ers.requests.unidentified</c>, never audited one each: a flood of them must not fill the audit trail.
/// </summary>
public sealed class UnauthenticatedRequestTests(AgentHost host) : IClassFixture<AgentHost>
{
    [Fact]
    public async Task No_client_certificate_is_a_401_counted_not_audited_and_reaches_no_grain()
    {
        using var client = host.AgentClient(null);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");

        await AssertCountedAsync(HttpStatusCode.Unauthorized, ApiErrorCodes.ClientCertificateMissing,
            () => client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol)));
    }

    [Fact]
    public void Every_agent_route_requires_the_workstation_policy_and_only_it()
    {
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith(AgentApiRoutes.Prefix.TrimStart('/'), StringComparison.Ordinal) == true)
            .ToList();

        Assert.Equal(9, routes.Count);
        Assert.All(routes, route => Assert.Equal([WorkstationAuthenticationHandler.Policy],
            route.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy)));
    }

    [Fact]
    public async Task A_flood_without_client_certificates_writes_no_audit_record()
    {
        using var client = host.AgentClient(null);
        var audited = await host.AuditCountAsync();
        using var collector = Collector();

        for (var i = 0; i < 200; i++)
        {
            var response = await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(audited, await host.AuditCountAsync());
        Assert.Equal(200, Sum(collector, ApiErrorCodes.ClientCertificateMissing));
    }

    [Fact]
    public async Task A_client_certificate_from_an_untrusted_ca_is_a_403_counted_and_reaches_no_grain()
    {
        using var client = host.AgentClient(host.ForeignWorkstation);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");

        await AssertCountedAsync(HttpStatusCode.Forbidden, ApiErrorCodes.ClientCertificateInvalid,
            () => client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol)));
    }

    [Fact]
    public async Task A_revoked_workstation_certificate_is_a_403_counted()
    {
        var workstation = host.Pki.IssueWorkstation("WS-TEST-REVOKED");
        using var client = host.AgentClient(workstation);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]))).StatusCode);
        await host.RevokeAndRefreshAsync(workstation.SerialNumber);

        await AssertCountedAsync(HttpStatusCode.Forbidden, ApiErrorCodes.ClientCertificateInvalid,
            () => client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([])));
    }

    private async Task AssertCountedAsync(HttpStatusCode status, string code, Func<Task<HttpResponseMessage>> send)
    {
        var before = await host.ErsActivationsAsync();
        var audited = await host.AuditCountAsync();
        using var collector = Collector();

        var response = await send();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await AgentApiLoginTests.ProblemCodeAsync(response));
        Assert.Equal(1, Sum(collector, code));
        Assert.Equal(audited, await host.AuditCountAsync());
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    private MetricCollector<long> Collector() =>
        new(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ErsMetrics.MeterName, "ers.requests.unidentified");

    private static long Sum(MetricCollector<long> collector, string code) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["ers.reason"], code)).Sum(m => m.Value);
}
