using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Grains;
using Ers.ServiceDefaults;
using Ers.Web.Apis;
using Ers.Web.Security.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ers.Web.Security;

/// <summary>Registers card authentication, workstation mutual TLS, the token protectors and the agent API's services.</summary>
public static class CardAuthenticationServices
{
    /// <summary>
    /// Reads <c>Ers:CardAuthentication</c>, <c>Ers:Workstations</c>, <c>Ers:Tokens</c> and <c>Ers:AgentApi</c>;
    /// stops start-up naming every missing or wrong setting. Kestrel HTTPS endpoints accept (do not require) a client
    /// certificate and leave its trust to the certificate authentication handler, whose anchors are the workstation
    /// CAs only.
    /// </summary>
    public static WebApplicationBuilder AddErsCardAuthentication(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cards = configuration.GetSection(CardAuthenticationOptions.Section).Get<CardAuthenticationOptions>() ?? new();
        var workstations = configuration.GetSection(WorkstationOptions.Section).Get<WorkstationOptions>() ?? new();
        var tokens = configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new();
        var api = configuration.GetSection(AgentApiOptions.Section).Get<AgentApiOptions>() ?? new();

        var problems = new List<string>();
        var cardRoots = LoadCertificates(cards.TrustedRoots, $"{CardAuthenticationOptions.Section}:TrustedRoots", problems, required: true);
        var intermediates = LoadCertificates(cards.IntermediateCertificates, $"{CardAuthenticationOptions.Section}:IntermediateCertificates", problems, required: false);
        var workstationRoots = LoadCertificates(workstations.TrustedRoots, $"{WorkstationOptions.Section}:TrustedRoots", problems, required: true);
        if (workstations.TrustedProxies.Count > 0)
        {
            // A network range is not an identity (issue 13, defect 10): refuse to start rather than silently trust less.
            problems.Add($"{WorkstationOptions.Section}:TrustedProxies is no longer read: a forwarded client certificate is accepted only over " +
                $"mutual TLS from the ingress ({IngressOptions.Section}, see k8s/README.md). Remove the setting.");
        }

        var ingress = configuration.GetSection(IngressOptions.Section).Get<IngressOptions>() ?? new();
        var ingressTrust = IngressTrust.None;
        if (ingress.HttpsUrl is { Length: > 0 })
        {
            var ingressCas = LoadCertificates(ingress.ClientCaPath is { Length: > 0 } path ? [path] : [], $"{IngressOptions.Section}:ClientCaPath", problems, required: true);
            if (ingress.ServerCertificatePath is not { Length: > 0 })
            {
                problems.Add($"The setting '{IngressOptions.Section}:ServerCertificatePath' is required with {IngressOptions.Section}:HttpsUrl.");
            }

            problems.AddRange(ingress.ClientCertificateSha256.Where(pin => pin.Length != 64 || !pin.All(char.IsAsciiHexDigit))
                .Select(pin => $"{IngressOptions.Section}:ClientCertificateSha256: '{pin}' is not a SHA-256 in hex (64 digits)."));
            ingressTrust = new IngressTrust(ingressCas, ingress.ClientCertificateSha256);
        }

        foreach (var (name, oids) in new[] { ("RequiredExtendedKeyUsages", cards.RequiredExtendedKeyUsages), ("RequiredPolicyOids", cards.RequiredPolicyOids) })
        {
            problems.AddRange(oids.Where(oid => !IsDottedOid(oid))
                .Select(oid => $"{CardAuthenticationOptions.Section}:{name}: '{oid}' is not a dotted OID (e.g. 1.3.6.1.5.5.7.3.2)."));
        }

        if (cards.RevocationPollInterval <= TimeSpan.Zero || cards.RevocationPollInterval > TimeSpan.FromSeconds(5))
        {
            // A revocation must act within seconds (issue 13): a node polling less often than this would not.
            problems.Add($"{CardAuthenticationOptions.Section}:RevocationPollInterval must be more than zero and at most 5 seconds.");
        }

        IReadOnlyList<byte[]> keys = [];
        try
        {
            keys = tokens.LoadKeys();
            CardCertificateValidator.AttributeOid(cards.UserIdAttribute);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            problems.Add(e.Message);
        }

        var origin = AgentApiOrigin.From(api, problems);
        RequiredSettings.ThrowIfAny(problems);

        var services = builder.Services;
        services.AddSingleton(cards);
        services.AddSingleton(workstations);
        services.AddSingleton(tokens);
        services.AddSingleton(api);
        services.AddSingleton(origin);
        services.AddSingleton(ingress);
        services.AddSingleton(ingressTrust);
        services.AddSingleton(new WorkstationAuthorities(workstationRoots));
        services.AddSingleton(sp => new CardCrls(new CrlStore(Clock(sp))));
        services.AddSingleton(sp => new WorkstationCrls(new CrlStore(Clock(sp))));
        services.AddSingleton(sp => new CardCertificateValidator(cards, cardRoots, intermediates,
            sp.GetRequiredService<CardCrls>().Store, Clock(sp)));
        services.AddSingleton(new CardChallenges(new TokenProtector(keys, "challenge")));
        services.AddSingleton(sp => new SessionTokens(new TokenProtector(keys, "session"), Clock(sp), tokens.SessionTokenLifetime));
        services.AddSingleton(sp => new BrowserTicketTokens(new TokenProtector(keys, "browser-ticket"), Clock(sp)));
        services.AddSingleton<CardRevocations>();
        // A co-hosted silo registered the Ers meter already; a web host that is only a cluster client needs its own
        // to count the logins its API refuses and the certificates it checks.
        services.AddMetrics().TryAddSingleton(sp => new Ers.Grains.Telemetry.ErsMetrics(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Clock(sp)));
        services.AddSingleton(sp => new CrlRefreshService(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<CardCrls>(),
            sp.GetRequiredService<WorkstationCrls>(), cards, sp.GetRequiredService<ILogger<CrlRefreshService>>(),
            sp.GetService<Ers.Grains.Telemetry.ErsMetrics>()));
        services.AddHostedService(sp => sp.GetRequiredService<CrlRefreshService>());

        // No default scheme: the agent API authenticates workstations explicitly, and browser pages keep their own.
        // Each agent request would otherwise build the workstation chain twice; the cache keys results by the
        // certificate's SHA-256 (successes only), and WorkstationIdentity re-checks revocation and expiry on every request.
        services.AddAuthentication().AddCertificate()
            .AddScheme<AuthenticationSchemeOptions, WorkstationAuthenticationHandler>(WorkstationAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(WorkstationAuthenticationHandler.Policy, policy => policy
            .AddAuthenticationSchemes(WorkstationAuthenticationHandler.SchemeName)
            .RequireClaim(WorkstationIdentity.WorkstationIdClaim));
        services.AddSingleton<ICertificateValidationCache>(_ => new WorkstationCertificateCache(TimeProvider.System));
        services.AddOptions<CertificateAuthenticationOptions>(WorkstationIdentity.Scheme)
            .Configure<IServiceProvider>((options, sp) => WorkstationIdentity.Configure(
                options, workstationRoots, () => sp.GetRequiredService<WorkstationCrls>().Store, () => workstations.StaleCrl));
        services.AddTransient<IStartupFilter, ForwardedCertificateStartupFilter>();
        services.AddCertificateForwarding(o =>
        {
            o.CertificateHeader = workstations.ForwardedCertificateHeader;
            o.HeaderConverter = header => WorkstationIdentity.ParseForwardedCertificate(header)!;
        });
        if (api.HttpsUrl is { Length: > 0 } || ingress.HttpsUrl is { Length: > 0 })
        {
            AgentListener.Configure(builder, api, origin, ingress, ingressTrust, workstationRoots);
        }
        services.AddOpenApi(o => o.AddOperationTransformer(AgentRequestBody.DescribeAsync));
        services.AddProblemDetails();
        services.AddErsRateLimiting(configuration);
        return builder;
    }

    private static bool IsDottedOid(string value) =>
        value.Split('.') is { Length: >= 2 } arcs && arcs.All(arc => arc.Length > 0 && arc.All(char.IsAsciiDigit));

    internal static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static TimeProvider Clock(IServiceProvider services) =>
        services.GetKeyedService<TimeProvider>(ErsTime.Key) ?? TimeProvider.System;

    private static X509Certificate2Collection LoadCertificates(List<string> paths, string setting, List<string> problems, bool required)
    {
        var collection = new X509Certificate2Collection();
        if (required && paths.Count == 0)
        {
            problems.Add($"The setting '{setting}' is required: PEM file(s) of the CA certificates to trust ('ers pki dev' writes them).");
        }

        foreach (var path in paths)
        {
            try
            {
                collection.ImportFromPemFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                problems.Add($"{setting}: cannot read '{path}': {e.Message}");
            }
        }

        return collection;
    }
}

/// <summary>
/// Puts the forwarded-certificate gate and <c>UseCertificateForwarding</c> at the very start of the pipeline, before
/// anything (such as the authentication middleware) reads the connection's client certificate.
/// </summary>
internal sealed class ForwardedCertificateStartupFilter(WorkstationOptions options, EdgeRefusals edge) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var header = options.ForwardedCertificateHeader;
        app.Use(async (context, nextMiddleware) =>
        {
            if (IngressTrust.IsFromIngress(context))
            {
                // The connection's certificate is the ingress's own, never a workstation's: only the header (which the
                // ingress sets after verifying the workstation, and never passes through from the client) names one.
                context.Features.Set<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>(IngressTrust.NoClientCertificate.Instance);
            }
            else if (context.Request.Headers.ContainsKey(header))
            {
                // Only the ingress may name a certificate in a header; anyone else claiming one is refused, counted (not
                // audited: anyone can send it), and reaches nothing.
                edge.Unidentified(ApiErrorCodes.ForwardedCertificateUntrusted, context);
                await Apis.AgentApiHandlers.Problem(StatusCodes.Status403Forbidden, ApiErrorCodes.ForwardedCertificateUntrusted,
                    "A client certificate is accepted in a header only from the ingress.").ExecuteAsync(context);
                return;
            }

            await nextMiddleware(context);
        });
        app.UseCertificateForwarding();
        next(app);
    };
}
