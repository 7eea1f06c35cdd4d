using System.Diagnostics;
using Ers.Agent.Api;
using Ers.Agent.Hosting;
using Ers.Api;

namespace Ers.Agent.Tests;

/// <summary>The agent's API calls carry the current span's trace, so Ers' server spans join the agent's trace.</summary>
public sealed class AgentTracingTests
{
    [Fact]
    public async Task The_agents_http_client_sends_traceparent_of_the_current_span_and_none_without_one()
    {
        var pki = new TestPki();
        await using var ers = await FakeErs.StartAsync(pki);
        using var api = new HttpAgentApi(ers.BaseAddress, pki.Workstation, [pki.Ca]);

        // Outside any span: nothing to propagate.
        Activity.Current = null;
        await api.HeartbeatAsync(new HeartbeatRequest([]), default);
        Assert.True(ers.TraceParents.TryDequeue(out var none));
        Assert.Null(none);

        using (var login = new Activity("card login").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            await api.HeartbeatAsync(new HeartbeatRequest([]), default);
            Assert.True(ers.TraceParents.TryDequeue(out var sent));
            Assert.NotNull(sent);
            // version-traceid-parentid-flags: the trace is the current span's.
            var parts = sent.Split('-');
            Assert.Equal(4, parts.Length);
            Assert.Equal("00", parts[0]);
            Assert.Equal(login.TraceId.ToHexString(), parts[1]);
        }
    }

    [Fact]
    public void Tracing_is_off_unless_an_otlp_endpoint_is_configured()
    {
        Assert.Null(AgentTelemetry.Start(null));
        Assert.Null(AgentTelemetry.Start(" "));
        using var provider = AgentTelemetry.Start("http://127.0.0.1:4317");
        Assert.NotNull(provider);

        // With a provider the agent's source is listened to, so its login span is recorded (and propagated).
        using var login = AgentTelemetry.Source.StartActivity("card login");
        Assert.NotNull(login);
        Assert.True(login.Recorded);
    }
}
