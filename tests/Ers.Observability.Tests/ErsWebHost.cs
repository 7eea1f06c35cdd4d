using System.Diagnostics;
using Ers.ServiceDefaults;
using Ers.Sessions;
using Ers.Testing.Hosts;
using Ers.Testing.Pki;
using Ers.Testing.Silos;
using Ers.Tools.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Ers.Observability.Tests;

/// <summary>
/// The shared Ers.Web test host (<see cref="ErsWebFactory"/>: co-hosted silo, in-memory grain state, real Kestrel,
/// HTTPS with client certificates for the agents' API, plain HTTP for browsers and scrapes) with what the operators'
/// view needs on top: a fake session clock, no staff directory, tracing on request, and two test endpoints.
/// <see cref="AgentWorkstation"/> logs in through the agents' API with the real card protocol. <c>POST /test/login</c>
/// is a shortcut the load driver uses to start many sessions through the grains without the card protocol;
/// <c>GET /test/fail</c> answers 500 (the error panels' input).
/// </summary>
public sealed class ErsWebHost : ErsWebFactory
{
    public const string LoginPath = "/test/login";
    public const string FailPath = "/test/fail";

    public static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 30, 0, TimeSpan.Zero);

    private readonly bool _tracing;
    private readonly IReadOnlyDictionary<string, string>? _settings;

    public ErsWebHost(ICollection<Activity>? spans = null, IReadOnlyDictionary<string, string>? settings = null)
        : base("ers-observability")
    {
        _tracing = spans is not null;
        _settings = settings;
        RulesTime = Clock;
        TestServices = services =>
        {
            services.AddSingleton<IStartupFilter, TestEndpoints>();
            if (spans is not null)
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            }
        };
        StartKestrel();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The agents' API: real Kestrel HTTPS that asks each workstation for its client certificate.</summary>
    public Uri AgentAddress => AddressOf("https");

    /// <summary>The host's real HTTP address.</summary>
    public Uri Address => AddressOf("http");

    // The fake clock is days from now: CAs dated by it, not the shared ones dated now.
    protected override DevPki CreatePki() => TestPkiMaker.Create(PkiDirectory, Clock, freshCas: true);

    protected override void ConfigureSettings(ErsSettings settings)
    {
        settings.Set("Ers:Directory:SeedFile", "")
            .Set("Ers:Sessions:HeartbeatTimeout", LoadDriver.HeartbeatTimeout.ToString())
            // Each driven round moves the session clock past a heartbeat timeout: keep earlier sessions from idling out.
            .Set("Ers:Sessions:IdleTimeout", "07:00:00")
            .Set(_settings ?? new Dictionary<string, string>());
        if (_tracing)
        {
            settings.Set(ErsTelemetry.TracingKey, "true");
        }
    }

    /// <summary>A login as one HTTP request: insert the card and start the session (the agents' API does this).</summary>
    public sealed record LoginRequest(string UserId, string CardId, string WorkstationId);

    /// <summary>The response header naming the session a test login started (the card grain chose its id).</summary>
    public const string SessionHeader = "ers-test-session";

    private sealed class TestEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(LoginPath, branch => branch.Run(async context =>
            {
                var login = await context.Request.ReadFromJsonAsync<LoginRequest>() ?? throw new BadHttpRequestException("No body.");
                var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
                var card = grains.GetGrain<Ers.Cards.ICardGrain>(login.CardId);
                var outcome = await card.LogInAsync(login.WorkstationId, login.UserId);
                context.Response.Headers[SessionHeader] = outcome.Value?.SessionId;
                context.Response.StatusCode = outcome.IsSuccess ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(outcome.Refusal?.Code ?? nameof(SessionState.Active));
            }));
            app.Map(FailPath, branch => branch.Run(_ => throw new InvalidOperationException("A server error the dashboard must show.")));
            next(app);
        };
    }
}
