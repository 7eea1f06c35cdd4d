using Ers.Audit;
using Ers.Grains.Audit;
using Ers.Grains.SingleSignOn;
using Ers.Grains.Staff;
using Ers.Grains.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ers.Grains;

/// <summary>The services the grains need in a silo: rules' options, the clock and the audit trail.</summary>
public static class GrainServices
{
    public const string AuditFilePathKey = "Ers:Audit:FilePath";

    /// <summary>
    /// The session rules' settings (<c>Ers:Sessions</c>), checked at start: the silo enforces them, and a web node
    /// reads their warning lengths.
    /// </summary>
    public static IServiceCollection AddErsSessionOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionOptions>()
            .Bind(configuration.GetSection(SessionOptions.SectionName))
            .Validate(o => !o.Validate().Any(), $"Invalid {SessionOptions.SectionName} settings")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// What the revocation owner needs: the CRL settings of <c>Ers:CardAuthentication</c> and <c>Ers:Workstations</c>
    /// (checked at start), the CAs that verify them and a bounded reader.
    /// </summary>
    public static IServiceCollection AddErsRevocation(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var (name, section) in new[] { (Revocation.CrlOptions.Card, Revocation.CrlOptions.CardSection), (Revocation.CrlOptions.Workstation, Revocation.CrlOptions.WorkstationSection) })
        {
            // The message names each problem as configured now; the check itself runs on the bound options at start.
            var problems = (configuration.GetSection(section).Get<Revocation.CrlOptions>() ?? new()).Validate(section);
            services.AddOptions<Revocation.CrlOptions>(name)
                .Bind(configuration.GetSection(section))
                .Validate(o => !o.Validate(section).Any(), $"Invalid CRL settings: {string.Join(" ", problems)}")
                .ValidateOnStart();
        }

        services.TryAddSingleton<Revocation.RevocationSettings>();
        // The reader sets its own per-read timeout (CrlDownloadTimeout); redirects are not followed to another host's CRL.
        services.TryAddSingleton(_ => new Revocation.CrlReader(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        }));
        return services;
    }

    /// <summary>The RA rules' settings (<c>Ers:RegistrationAuthority</c>): which activity codes grant which RA permission.</summary>
    public static IServiceCollection AddErsRaOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistrationAuthority.RaOptions>()
            .Bind(configuration.GetSection(RegistrationAuthority.RaOptions.SectionName))
            .Validate(o => !o.Validate().Any(), $"Invalid {RegistrationAuthority.RaOptions.SectionName} settings")
            .ValidateOnStart();
        return services;
    }

    public static IServiceCollection AddErsGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddErsSessionOptions(configuration);
        services.AddErsRaOptions(configuration);
        services.TryAddKeyedSingleton(ErsTime.Key, TimeProvider.System);
        services.AddMetrics().TryAddSingleton<ErsMetrics>();
        services.TryAddSingleton<Workstations.ClusterChanges>();
        // The cluster host replaces it with the Redis index before this runs (Ers.Cluster's SessionSweeper).
        services.TryAddSingleton<Sessions.ISessionDeadlineIndex, Sessions.ProcessLocalSessionIndex>();
        services.AddHostedService(sp => sp.GetRequiredService<Workstations.ClusterChanges>());
        services.AddErsRevocation(configuration);
        services.AddErsBackChannelLogout(configuration);
        services.TryAddSingleton<IAuditTrail>(_ => new FileAuditTrail(configuration[AuditFilePathKey] ?? ".ers/audit.jsonl"));
        services.AddTransient(sp => new StaffDirectoryImporter(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredKeyedService<TimeProvider>(ErsTime.Key)));
        return services;
    }
}
