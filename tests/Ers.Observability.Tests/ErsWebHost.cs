using System.Diagnostics;
using System.Net;
using Ers.Grains;
using Ers.ServiceDefaults;
using Ers.Sessions;
using Ers.Tools.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Ers.Observability.Tests;

/// <summary>
/// The real Ers.Web (co-hosted silo, in-memory grain state) on real Kestrel at 127.0.0.1 with a free port, its
/// silo and gateway on free ports, a fake session clock, and a temporary audit file. Until the agents' API is in
/// main, <c>POST /test/login</c> stands in for it: an HTTP request that starts a session through the grains, so
/// traces can be followed from HTTP through Orleans. <c>GET /test/fail</c> answers 500 (the error panels' input).
/// </summary>
public sealed class ErsWebHost : WebApplicationFactory<Program>
{
    public const string LoginPath = "/test/login";
    public const string FailPath = "/test/fail";

    private readonly string _directory = Directory.CreateTempSubdirectory("ers-observability-").FullName;
    private readonly ICollection<Activity>? _spans;
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private readonly Dictionary<string, string> _pkiSettings;

    public ErsWebHost(ICollection<Activity>? spans = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _spans = spans;
        _settings = settings;
        // The card authentication the web host requires at start-up, from a throwaway development PKI.
        var pki = DevPki.Init(_directory, Clock);
        pki.IssueServer();
        pki.EnsureTokenKey();
        pki.WriteCrls(TimeSpan.FromDays(7));
        _pkiSettings = new Dictionary<string, string>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Ers:AgentApi:HttpsUrl"] = "https://127.0.0.1:0",
            ["Ers:AgentApi:ServerCertificatePath"] = DevPki.CertificatePath(_directory, DevPki.ServerName),
            ["Ers:AgentApi:ServerCertificateKeyPath"] = DevPki.KeyPath(_directory, DevPki.ServerName),
            ["Ers:CardAuthentication:TrustedRoots:0"] = DevPki.CertificatePath(_directory, DevPki.SmartcardRootName),
            ["Ers:CardAuthentication:IntermediateCertificates:0"] = DevPki.CertificatePath(_directory, DevPki.SmartcardIssuingName),
            ["Ers:CardAuthentication:CrlSources:0"] = DevPki.CrlPath(_directory, DevPki.SmartcardIssuingName),
            ["Ers:Workstations:TrustedRoots:0"] = DevPki.CertificatePath(_directory, DevPki.WorkstationCaName),
            ["Ers:Workstations:CrlSources:0"] = DevPki.CrlPath(_directory, DevPki.WorkstationCaName),
            ["Ers:Tokens:KeyFile"] = Path.Combine(_directory, DevPki.TokenKeyFile),
        };
        UseKestrel();
        StartServer();
    }

    public static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 30, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The host's real HTTP address.</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
        .Addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)) + "/");

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Ers:Cluster:Provider", "Localhost");
        builder.UseSetting("Ers:Cluster:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Ers:Cluster:GatewayPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Ers:Directory:SeedFile", "");
        if (_spans is not null)
        {
            builder.UseSetting(ErsTelemetry.TracingKey, "true");
        }

        builder.UseSetting(GrainServices.AuditFilePathKey, Path.Combine(_directory, "audit.jsonl"));
        builder.UseSetting("Ers:Sessions:HeartbeatTimeout", LoadDriver.HeartbeatTimeout.ToString());
        // Each driven round moves the session clock past a heartbeat timeout: keep earlier sessions from idling out.
        builder.UseSetting("Ers:Sessions:IdleTimeout", "07:00:00");
        foreach (var (key, value) in _pkiSettings.Concat(_settings ?? new Dictionary<string, string>()))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(ErsTime.Key, Clock);
            services.AddSingleton<IStartupFilter, TestEndpoints>();
            if (_spans is not null)
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A login as one HTTP request: insert the card and start the session (the agents' API does this).</summary>
    public sealed record LoginRequest(string UserId, string CardId, string WorkstationId, string SessionId);

    private sealed class TestEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(LoginPath, branch => branch.Run(async context =>
            {
                var login = await context.Request.ReadFromJsonAsync<LoginRequest>() ?? throw new BadHttpRequestException("No body.");
                var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
                var card = grains.GetGrain<Ers.Cards.ICardGrain>(login.CardId);
                await card.InsertedAsync(login.WorkstationId);
                var outcome = await card.StartSessionAsync(login.WorkstationId, login.UserId, login.SessionId);
                context.Response.StatusCode = outcome.IsSuccess ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(outcome.Refusal?.Code ?? nameof(SessionState.Active));
            }));
            app.Map(FailPath, branch => branch.Run(_ => throw new InvalidOperationException("A server error the dashboard must show.")));
            next(app);
        };
    }
}
