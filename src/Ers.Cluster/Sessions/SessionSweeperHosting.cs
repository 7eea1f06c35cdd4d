using Ers.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Ers.Cluster.Sessions;

/// <summary>Registers the Redis deadline index and its sweeper on a silo whose state is in Redis.</summary>
public static class SessionSweeperHosting
{
    public static IServiceCollection AddErsSessionSweeper(this IServiceCollection services, ErsClusterOptions cluster)
    {
        var redis = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
        services.AddSingleton(sp => new RedisSessionDeadlineIndex(redis, cluster.ServiceId, sp.GetRequiredService<ILocalSiloDetails>()));
        services.AddSingleton<ISessionDeadlineIndex>(sp => sp.GetRequiredService<RedisSessionDeadlineIndex>());
        services.AddHostedService<SessionSweeper>();
        return services;
    }
}
