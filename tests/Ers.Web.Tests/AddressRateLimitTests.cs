using System.Net;
using System.Net.Http.Json;
using Ers.Api;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 4: the per-address limit stops an unauthenticated flood before any certificate work, with a 429
/// <c>request.rate-limited</c> problem and Retry-After, and no audit record.
/// </summary>
public sealed class AddressRateLimitTests(AddressLimitedHost host) : IClassFixture<AddressLimitedHost>
{
    [Fact]
    public async Task An_address_over_its_limit_gets_429_before_its_certificate_is_looked_at()
    {
        using var client = host.AgentClient(null);
        var audited = await host.AuditCountAsync();
        for (var i = 0; i < AddressLimitedHost.PerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]))).StatusCode);
        }

        var response = await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(ApiErrorCodes.RateLimited, await AgentApiLoginTests.ProblemCodeAsync(response));
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(audited, await host.AuditCountAsync());
    }
}
