using System.Net;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Grains.Telemetry;
using Ers.Testing;
using Ers.Web.Security.RateLimits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 4: refusals before identification are paced per client address. Over the pace the answer waits
/// (the flood that waits for answers is held back); over the queue it is a 429 at once and the connection closes;
/// an identified workstation at the same address is not paced; nothing is audited.
/// </summary>
public sealed class UnidentifiedPacingTests(PacedHost host) : IClassFixture<PacedHost>
{
    private const string Loopback = "127.0.0.1";

    [Fact]
    public async Task Refusals_over_the_pace_wait_then_overflow_as_429_while_a_workstation_is_served()
    {
        var pacer = host.Services.GetRequiredService<UnidentifiedPacer>();
        var audited = await host.AuditCountAsync();
        using var collector = new MetricCollector<long>(
            host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ErsMetrics.MeterName, "ers.requests.rate_limited");
        using var anonymous = host.AgentClient(null);

        for (var i = 0; i < PacedHost.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Heartbeat(anonymous, CancellationToken.None)).StatusCode);
        }

        // The next refusal waits for a token the test's bucket never refills.
        using var giveUp = new CancellationTokenSource();
        using var waiting = host.AgentClient(null);
        var held = Heartbeat(waiting, giveUp.Token);
        await Eventually.TrueAsync(() => pacer.Waiting(Loopback) == 1, "the third refusal waits for its pace");

        // The queue (one) is full: answered at once, 429, and the connection is not kept.
        using var overflow = host.AgentClient(null);
        var refused = await Heartbeat(overflow, CancellationToken.None);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(ApiErrorCodes.RateLimited, await AgentApiLoginTests.ProblemCodeAsync(refused));
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.True(refused.Headers.ConnectionClose);
        Assert.Equal(1, collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["ers.limit"], "unidentified")).Sum(m => m.Value));

        // A workstation with its certificate, from the same address, is answered while the refusal still waits.
        using var workstation = host.AgentClient(host.Workstation1);
        Assert.Equal(HttpStatusCode.OK, (await Heartbeat(workstation, CancellationToken.None)).StatusCode);
        Assert.False(held.IsCompleted);

        // A client that gives up leaves the queue.
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        await Eventually.TrueAsync(() => pacer.Waiting(Loopback) == 0, "the abandoned refusal leaves the queue");
        Assert.Equal(audited, await host.AuditCountAsync());
    }

    private static Task<HttpResponseMessage> Heartbeat(HttpClient client, CancellationToken cancellationToken) =>
        client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]), cancellationToken);
}
