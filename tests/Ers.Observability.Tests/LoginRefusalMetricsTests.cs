using System.Diagnostics.Metrics;
using System.Net;
using Ers.Api;
using Ers.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ers.Observability.Tests;

/// <summary>Logins the agents' API refuses before the grains count in <c>ers.logins</c>, once, by their problem code.</summary>
public sealed class LoginRefusalMetricsTests
{
    [Fact]
    public async Task Refusals_by_the_api_count_as_failed_logins_by_code_and_the_grains_count_their_own_once()
    {
        await using var host = new ErsWebHost();
        using var logins = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), ErsMetrics.MeterName, "ers.logins");
        using var workstation = new AgentWorkstation(host);
        var user = await new LoadDriver(host).NewUserAsync("Dr Refused Signature", ["B1101"]);
        var card = workstation.IssueCard(user.UserId, user.Name);
        var challenge = await workstation.InsertAsync(card);

        // A signature by another key: refused by the API before any grain decides the login.
        var forger = workstation.IssueCard(user.UserId, user.Name);
        using (var forged = await workstation.AuthenticateAsync(card, challenge, forger.Sign(workstation.Statement(card, challenge))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            Assert.Contains(ApiErrorCodes.SignatureInvalid, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The card's own signature: the card grain decides (and counts) the success, the API adds nothing.
        using (var signed = await workstation.AuthenticateAsync(card, challenge))
        {
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        }

        // The same answer replayed: refused by the API (the challenge is spent), counted once by its code.
        using (var replayed = await workstation.AuthenticateAsync(card, challenge))
        {
            Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        }

        Assert.Equal(
            [("failure", ApiErrorCodes.SignatureInvalid), ("success", "none"), ("failure", ApiErrorCodes.ChallengeUsed)],
            logins.GetMeasurementSnapshot().Select(m => ((string)m.Tags["ers.outcome"]!, (string)m.Tags["ers.reason"]!)));
        Assert.All(logins.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));

        // Labels carry only bounded codes: never the user, card or workstation.
        var labels = logins.GetMeasurementSnapshot().SelectMany(m => m.Tags.Select(t => t.Value?.ToString() ?? "")).ToList();
        Assert.DoesNotContain(labels, v => v.Contains(user.UserId, StringComparison.Ordinal) || v.Contains(card.CardId, StringComparison.Ordinal)
            || v.Contains(workstation.WorkstationId, StringComparison.Ordinal));
    }
}
