using System.Diagnostics;
using System.Net.Http.Json;
using Ers.Sessions;
using Xunit.Abstractions;

namespace Ers.Observability.Tests;

/// <summary>One login is one trace: the caller's HTTP request, the server's handling and every grain call it caused.</summary>
public sealed class TraceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_login_is_one_trace_from_the_http_request_through_the_grains()
    {
        var spans = new SpanCollection();
        await using var host = new ErsWebHost(spans);
        using var http = new HttpClient { BaseAddress = host.Address };
        var driver = new LoadDriver(host);
        var user = await driver.NewUserAsync("Dr Trace Test", ["B1101"]);

        var login = new ErsWebHost.LoginRequest(user.UserId, $"card-{Guid.NewGuid():N}", $"WS-{Guid.NewGuid():N}"[..16], Guid.NewGuid().ToString("N"));
        using (var response = await http.PostAsJsonAsync(ErsWebHost.LoginPath.TrimStart('/'), login))
        {
            Assert.Equal(nameof(SessionState.Active), await response.Content.ReadAsStringAsync());
        }

        // The caller's span is the root: the HttpClient span of this test's request.
        var root = await Eventually.ValueAsync(() => Task.FromResult(spans.FirstOrDefault(s =>
            s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client && s.GetTagItem("url.full")?.ToString()?.Contains(ErsWebHost.LoginPath) == true)),
            "the HTTP client span of the login");
        bool InTrace(Activity s) => s.TraceId == root.TraceId;

        // Grain calls end after the response in one-way cases: wait for the session's own work to be exported.
        await Eventually.TrueAsync(() => Task.FromResult(spans.Where(InTrace).Any(s => s.DisplayName.Contains("ISessionGrain/Start", StringComparison.Ordinal))
            && spans.Where(InTrace).Any(s => s.DisplayName.Contains("IWorkstationGrain/SessionStarted", StringComparison.Ordinal))),
            "the session grain's spans in the login's trace");

        var trace = spans.Where(InTrace).OrderBy(s => s.StartTimeUtc).ToList();
        foreach (var span in trace)
        {
            output.WriteLine($"{span.Source.Name,-32} {span.Kind,-8} {span.DisplayName}");
        }

        Assert.Null(root.ParentId);
        var server = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Equal(root.SpanId, server.ParentSpanId);
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains("ICardGrain/StartSession", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains("IUserGrain/AdmitSession", StringComparison.Ordinal));

        // Every span but the root has its parent in the same trace: nothing is orphaned or started afresh.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));

        // No span of the login lives in another trace.
        Assert.DoesNotContain(spans, s => !InTrace(s) && s.DisplayName.Contains("ICardGrain/StartSession", StringComparison.Ordinal));
    }
}
