using System.Net;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Cards;
using Ers.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 4: rate limits per workstation, card and user (ASP.NET Core's System.Threading.RateLimiting),
/// answered 429 <c>request.rate-limited</c> with Retry-After, counted in <c>ers.requests.rate_limited</c> by limit,
/// not audited (a limited flood must not become an audit flood), changing nothing.
/// </summary>
public sealed class RateLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    private static int _workstations;

    [Fact]
    public async Task A_workstation_over_its_limit_gets_429_with_retry_after_and_nothing_is_audited()
    {
        using var client = host.AgentClient(NewWorkstation());
        for (var i = 0; i < RateLimitedHost.PerWorkstation; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]))).StatusCode);
        }

        await AssertLimitedAsync("workstation", () => client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([])));
    }

    [Fact]
    public async Task A_card_reported_too_often_gets_429_and_its_state_is_unchanged()
    {
        using var client = host.AgentClient(NewWorkstation());
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        for (var i = 0; i < RateLimitedHost.PerCard; i++)
        {
            await host.InsertAsync(client, card);
        }

        var before = await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();

        await AssertLimitedAsync("card", () => client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol)));
        Assert.Equal(before, await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync());
    }

    [Fact]
    public async Task A_user_whose_cards_are_shown_too_often_gets_429()
    {
        using var client = host.AgentClient(NewWorkstation());
        for (var i = 0; i < RateLimitedHost.PerUser; i++)
        {
            await host.InsertAsync(client, host.IssueCard("555294209107", "Sam Okafor"));
        }

        var card = host.IssueCard("555294209107", "Sam Okafor");
        await AssertLimitedAsync("user", () => client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol)));
        Assert.Equal(CardState.Absent, (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).State);
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2 NewWorkstation() =>
        host.Pki.IssueWorkstation($"WS-RATE-{Interlocked.Increment(ref _workstations):D4}");

    private async Task AssertLimitedAsync(string limit, Func<Task<HttpResponseMessage>> send)
    {
        var audited = await host.AuditCountAsync();
        using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            ErsMetrics.MeterName, "ers.requests.rate_limited");

        var response = await send();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(ApiErrorCodes.RateLimited, await AgentApiLoginTests.ProblemCodeAsync(response));
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, response.Headers.RetryAfter?.ToString());
        Assert.Equal(audited, await host.AuditCountAsync());
        Assert.Equal(1, collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["ers.limit"], limit)).Sum(m => m.Value));
    }
}
