using System.Diagnostics;
using System.Net.Http.Json;
using Ers.Api;
using Ers.ServiceDefaults;
using Xunit.Abstractions;

namespace Ers.Observability.Tests;

/// <summary>
/// One card login is one trace: the workstation's span around the login, its two HTTPS calls to the agents' API
/// (cards/inserted, cards/authenticate), the server's handling of each and every grain call they caused.
/// </summary>
public sealed class TraceTests(ITestOutputHelper output)
{
    private static readonly ActivitySource Workstation = new(ErsTelemetry.ErsActivitySource);

    [Fact]
    public async Task A_card_login_over_mutual_tls_is_one_trace_from_the_workstation_through_the_grains()
    {
        var spans = new SpanCollection();
        await using var host = new ErsWebHost(spans);
        using var workstation = new AgentWorkstation(host);
        var user = await new LoadDriver(host).NewUserAsync("Dr Trace Test", ["B1101"]);
        var card = workstation.IssueCard(user.UserId, user.Name);

        // The workstation's own span (the agent's "card login") is the root: both API calls happen inside it.
        ActivityTraceId traceId;
        ActivitySpanId rootId;
        using (var login = Workstation.StartActivity("card login", ActivityKind.Internal))
        {
            Assert.NotNull(login); // the host's tracer listens to the Ers source, so the span is recorded
            (traceId, rootId) = (login.TraceId, login.SpanId);
            var challenge = await workstation.InsertAsync(card);
            using var response = await workstation.AuthenticateAsync(card, challenge);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            Assert.Equal("Active", (await response.Content.ReadFromJsonAsync<SessionResponse>())!.State);
        }

        bool InTrace(Activity s) => s.TraceId == traceId;

        // Grain calls may end after the response (one-way notifications): wait for the session's own work.
        await Eventually.TrueAsync(() => Task.FromResult(
            spans.Where(InTrace).Any(s => s.SpanId == rootId)
            && spans.Where(InTrace).Any(s => s.DisplayName.Contains("ISessionGrain/Start", StringComparison.Ordinal))
            && spans.Where(InTrace).Any(s => s.DisplayName.Contains("IWorkstationGrain/SessionStarted", StringComparison.Ordinal))),
            "the login's root span and the session grain's spans in the login's trace");

        // A span is collected when it ends, so a child (the runtime's "register directory entry", say) can be
        // collected while its parent still runs. Wait until the collected trace is closed; an orphan that never
        // closes fails the assertion below after the bound, with the spans printed.
        List<Activity> trace = [];
        await Eventually.TryAsync(() =>
        {
            trace = [.. spans.Where(InTrace).OrderBy(s => s.StartTimeUtc)];
            var collected = trace.Select(s => s.SpanId).ToHashSet();
            return trace.All(s => s.SpanId == rootId || collected.Contains(s.ParentSpanId));
        }, TimeSpan.FromSeconds(30));
        foreach (var span in trace)
        {
            output.WriteLine($"{span.Source.Name,-32} {span.Kind,-8} {span.DisplayName,-60} {span.SpanId} <- {span.ParentSpanId}");
        }

        var root = Assert.Single(trace, s => s.SpanId == rootId);
        Assert.Equal(default, root.ParentSpanId);

        // Each API call: an HttpClient span under the root, and the server span of that request under it.
        foreach (var route in new[] { AgentApiRoutes.CardInserted, AgentApiRoutes.CardAuthenticate })
        {
            var client = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client
                && s.GetTagItem("url.full") is string url && url.StartsWith("https://", StringComparison.Ordinal) && url.EndsWith(route, StringComparison.Ordinal));
            Assert.Equal(rootId, client.ParentSpanId);
            var server = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
                && s.GetTagItem("url.path") as string == route);
            Assert.Equal(client.SpanId, server.ParentSpanId);
        }

        // The grain calls each step made: the card presented (its challenge issued), the answer (the signature checked on
        // the silo), the session start and the user's admission.
        foreach (var call in new[] { "ICardGrain/Presented", "ICardGrain/Authenticate", "IUserGrain/AdmitSession", "ISessionGrain/Start" })
        {
            Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains(call, StringComparison.Ordinal));
        }

        // Every span but the root has its parent in the same trace: nothing is orphaned or started afresh.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));

        // No span of the login lives in another trace.
        Assert.DoesNotContain(spans, s => !InTrace(s) && (s.DisplayName.Contains("ICardGrain/Authenticate", StringComparison.Ordinal)
            || (s.Source.Name == "Microsoft.AspNetCore" && s.GetTagItem("url.path") is string path && path.StartsWith(AgentApiRoutes.Prefix, StringComparison.Ordinal))));
    }
}
