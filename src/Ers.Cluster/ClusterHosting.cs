using Ers.Cluster.Sessions;
using Ers.Grains;
using Ers.Grains.Staff;
using Ers.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Ers.Cluster;

/// <summary>How an Ers host joins the cluster: as a silo (Ers.Silo, or Ers.Web co-hosting one) or as a client.</summary>
public static class ClusterHosting
{
    /// <summary>Hosts a silo with the Ers grains, configured from <c>Ers:Cluster</c>.</summary>
    public static ErsClusterOptions AddErsSilo(this IHostApplicationBuilder builder)
    {
        var cluster = ErsClusterOptions.From(builder.Configuration);
        RequiredSettings.ThrowIfAny(SessionSettingsProblems(builder.Configuration));
        // Before the grain services: they fall back to the file trail only when no store was chosen here.
        builder.AddErsAuditStore();
        if (cluster.Provider == ClusterProvider.Redis)
        {
            // Before the grain services: they fall back to the process-local index (the embedded run) otherwise.
            builder.Services.AddErsSessionSweeper(cluster);
        }

        builder.Services.AddErsGrainServices(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddActivityPropagation(); // one trace from the HTTP request through every grain call (ErsTelemetry)
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.Configure<HostOptions>(o => o.ShutdownTimeout = cluster.ShutdownTimeout);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
            if (cluster.Provider == ClusterProvider.Redis)
            {
                var redis = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
                silo.ConfigureEndpoints(
                    cluster.AdvertisedAddress ?? System.Net.IPAddress.Loopback,
                    cluster.SiloPort,
                    cluster.GatewayPort,
                    listenOnAnyHostAddress: cluster.AdvertisedAddress is not null);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                silo.AddRedisGrainStorage(ErsStorage.State, o => o.ConfigurationOptions = redis);
                silo.AddIncomingGrainCallFilter<StoreFailureCallFilter>();
                builder.Services.AddRedisReadinessCheck(redis);
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    // Declare a killed silo dead in about two seconds rather than the default ~18 s, so its
                    // sessions reactivate elsewhere quickly (measured here: infra.md).
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                });
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
                silo.AddMemoryGrainStorage(ErsStorage.State);
            }

            if (cluster.DirectoryCacheSize is { } cacheSize)
            {
                silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = cacheSize);
            }

            if (cluster.SiloName is not null)
            {
                silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
            }

            if (cluster.Tls is { } tls)
            {
                silo.UseTls(tls.Configure);
            }
        });

        // Grain state in Orleans' own binary format (the state types carry [Id]s for version tolerance), not the
        // default Newtonsoft JSON: that serializer was about 3 % of a web node's CPU in a login profile, and the binary
        // form is also smaller in Redis.
        builder.Services.AddOptions<Orleans.Persistence.RedisStorageOptions>(ErsStorage.State)
            .Configure<Orleans.Serialization.Serializer>((o, s) => o.GrainStorageSerializer ??= new Orleans.Storage.OrleansGrainStorageSerializer(s));
        builder.Services.AddOptions<MemoryGrainStorageOptions>(ErsStorage.State)
            .Configure<Orleans.Serialization.Serializer>((o, s) => o.GrainStorageSerializer ??= new Orleans.Storage.OrleansGrainStorageSerializer(s));

        builder.Services.AddErsHealthChecks()
            .AddCheck<ClusterJoinedCheck>("cluster-joined", tags: [HealthEndpoints.Startup, HealthEndpoints.Ready]);
        if (builder.Configuration["Ers:Directory:SeedFile"] is { Length: > 0 } seed)
        {
            builder.Services.AddHostedService(sp => new DirectorySeeder(seed, sp.GetRequiredService<StaffDirectoryImporter>(),
                sp.GetRequiredService<ILogger<DirectorySeeder>>()));
        }

        return cluster;
    }

    /// <summary>Connects to the cluster as a client (Ers.Web in a real cluster, the `ers` tool).</summary>
    public static ErsClusterOptions AddErsClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = ErsClusterOptions.From(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            client.AddActivityPropagation(); // one trace from the HTTP request through every grain call (ErsTelemetry)
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (cluster.Provider == ClusterProvider.Redis)
            {
                var redis = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
                client.UseRedisClustering(o => o.ConfigurationOptions = redis);
                // A gateway whose network was cut gives no reset: its connection looks alive and calls through it wait
                // for their timeout. Re-reading the gateway list often drops a silo declared dead within seconds (the
                // default is a minute).
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
                builder.Services.AddRedisReadinessCheck(redis);
            }
            else
            {
                client.UseLocalhostClustering(cluster.GatewayPort);
            }

            // Transient cluster errors (a silo dying, a gateway moving) are retried rather than shown to users.
            client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                return true;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ClientResponseTimeout);
            if (cluster.Tls is { } tls)
            {
                client.UseTls(tls.Configure);
            }

            // Always: it also holds each request's calls to the request's budget (GrainCallBudget); a zero retry
            // window only turns its retries off.
            client.AddOutgoingGrainCallFilter<ClientRetryFilter>();
        });
        builder.Services.AddSingleton(cluster);
        builder.Services.TryAddSingleton(TimeProvider.System);
        // No audit store here: a client's records go to the silos' trail through IEdgeAuditGrain, so it holds no
        // audit credential.
        builder.Services.AddErsHealthChecks();
        return cluster;
    }

    private static void AddRedisReadinessCheck(this IServiceCollection services, ConfigurationOptions redis)
    {
        services.AddSingleton(new RedisProbe(redis));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.Ready]);
    }

    private static IEnumerable<string> SessionSettingsProblems(IConfiguration configuration)
    {
        var options = new SessionOptions();
        try
        {
            configuration.GetSection(SessionOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            return [$"{SessionOptions.SectionName}: {e.Message}"];
        }

        return options.Validate();
    }
}

/// <summary>Imports the sample or configured directory once the silo is up (the embedded local run).</summary>
internal sealed class DirectorySeeder(string path, StaffDirectoryImporter importer, ILogger<DirectorySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await importer.ImportFileAsync(path, cancellationToken);
        if (!result.IsValid)
        {
            throw new ErsConfigurationException(
                $"The directory file '{path}' (Ers:Directory:SeedFile) is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, result.Errors)}");
        }

        logger.DirectoryImported(result.Users.Count, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
