using Ers.Audit;
using Ers.Grains.Audit;
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

    public static IServiceCollection AddErsGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddErsSessionOptions(configuration);
        services.TryAddKeyedSingleton(ErsTime.Key, TimeProvider.System);
        services.AddMetrics().TryAddSingleton<ErsMetrics>();
        services.TryAddSingleton<Workstations.ClusterChanges>();
        // The cluster host replaces it with the Redis index before this runs (Ers.Cluster's SessionSweeper).
        services.TryAddSingleton<Sessions.ISessionDeadlineIndex, Sessions.ProcessLocalSessionIndex>();
        services.AddHostedService(sp => sp.GetRequiredService<Workstations.ClusterChanges>());
        services.TryAddSingleton<IAuditTrail>(_ => new FileAuditTrail(configuration[AuditFilePathKey] ?? ".ers/audit.jsonl"));
        services.AddTransient(sp => new StaffDirectoryImporter(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredKeyedService<TimeProvider>(ErsTime.Key)));
        return services;
    }
}
