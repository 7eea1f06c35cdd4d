using Ers.Audit;
using Ers.Audit.Postgres;
using Ers.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ers.Cluster;

/// <summary>Selects the audit trail from <c>Ers:Audit:Store</c> before the grain services add their default (the file).</summary>
public static class AuditStoreHosting
{
    public const string StoreKey = "Ers:Audit:Store";
    public const string ConnectionStringKey = "ConnectionStrings:Audit";

    /// <summary>
    /// Registers the PostgreSQL trail when <c>Ers:Audit:Store</c> is <c>Postgres</c>: a silo's, ready only while it can
    /// audit. Web nodes that are cluster clients have no trail of their own (they write through IEdgeAuditGrain).
    /// </summary>
    public static AuditStore AddErsAuditStore(this IHostApplicationBuilder builder)
    {
        var store = builder.Configuration.GetEnum(StoreKey, AuditStore.File);
        if (store == AuditStore.Postgres)
        {
            var connectionString = builder.Configuration.GetRequired(ConnectionStringKey);
            builder.Services.AddSingleton(_ => PostgresAuditTrail.CreateDataSource(connectionString));
            builder.Services.AddSingleton(ChainFrom(builder.Configuration[AuditChain.KeySetting]));
            builder.Services.AddSingleton<IAuditTrail, PostgresAuditTrail>();
            // AddHealthChecks, not AddErsHealthChecks: the host adds the shared checks once.
            builder.Services.AddHealthChecks()
                .AddCheck<AuditStoreHealthCheck>("audit-store", tags: [HealthEndpoints.Ready]);
        }

        return store;
    }

    private static AuditChain ChainFrom(string? key)
    {
        try
        {
            return AuditChain.FromSetting(key);
        }
        catch (ArgumentException e)
        {
            throw new ErsConfigurationException(e.Message);
        }
    }
}

/// <summary>
/// Ready only while PostgreSQL answers and the audit schema is at the version this build writes: a silo that
/// cannot audit cannot log anyone in.
/// </summary>
internal sealed class AuditStoreHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await new AuditSchemaMigrator(dataSource).CurrentVersionAsync(cancellationToken);
            return version >= AuditSchema.LatestVersion
                ? HealthCheckResult.Healthy($"Audit schema at version {version}.")
                : HealthCheckResult.Unhealthy(
                    $"The audit schema is at version {version}, this build needs {AuditSchema.LatestVersion}: run `ers audit migrate`.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL (audit trail) is unreachable.", e);
        }
    }
}
