using Ers.Audit.Postgres;
using Ers.Cluster;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Ers.Testing.Silos;

/// <summary>
/// A production-shaped Ers cluster on this machine: throwaway Redis (membership and grain state) and PostgreSQL
/// (audit), migrated by the real migrator, real <c>Ers.Silo</c> processes, and Orleans clients configured exactly as
/// Ers.Web configures its own (<see cref="ClusterHosting.AddErsClusterClient"/>).
/// </summary>
public sealed class ErsCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private readonly List<IHost> _clients = [];
    private readonly string _clusterId = "ers-test-" + Guid.NewGuid().ToString("N")[..8];
    private int _siloCount;
    private IReadOnlyDictionary<string, string> _overrides = new Dictionary<string, string>();

    private ErsCluster(RedisServer redis, PostgresServer postgres)
    {
        Redis = redis;
        Postgres = postgres;
        AuditDataSource = postgres.CreateDataSource();
    }

    public RedisServer Redis { get; }

    public PostgresServer Postgres { get; }

    public NpgsqlDataSource AuditDataSource { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <param name="silos">How many silos to start.</param>
    /// <param name="siloOverrides">Settings (configuration form, <c>Ers:...</c>) that replace the defaults below.</param>
    public static async Task<ErsCluster> StartAsync(int silos, IReadOnlyDictionary<string, string>? siloOverrides = null)
    {
        var redis = await RedisServer.StartAsync();
        PostgresServer postgres;
        try
        {
            postgres = await PostgresServer.StartAsync();
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        var cluster = new ErsCluster(redis, postgres) { _overrides = siloOverrides ?? new Dictionary<string, string>() };
        try
        {
            await using (var migrator = PostgresAuditTrail.CreateDataSource(cluster.Postgres.ConnectionString))
            {
                await new AuditSchemaMigrator(migrator).MigrateAsync();
            }

            // Silos start one after another: the first creates the membership table version the others join.
            for (var i = 0; i < silos; i++)
            {
                await cluster.AddSiloAsync();
            }

            return cluster;
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: leave no server behind.
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>What every silo of this cluster is started with (environment-variable form).</summary>
    public IReadOnlyDictionary<string, string> SiloSettings => new ErsSettings
    {
        ["Ers:Cluster:ShutdownTimeout"] = "00:00:15",
        // The test logs in without an agent: no heartbeats, so the fail-safe must not end sessions mid-test.
        ["Ers:Sessions:HeartbeatTimeout"] = "01:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        // A failure's output lines up with the test's own timeline (and the other processes') by these.
        ["Logging:Console:TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging:Console:UseUtcTimestamp"] = "true",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    }
        .RedisCluster(Redis.ConnectionString, _clusterId)
        .PostgresAudit(Postgres.ConnectionString)
        .Set(_overrides)
        .ToEnvironment();

    public async Task<SiloProcess> AddSiloAsync()
    {
        var silo = await SiloProcess.StartAsync($"silo-{++_siloCount}", SiloSettings);
        _silos.Add(silo);
        return silo;
    }

    public void Forget(SiloProcess silo) => _silos.Remove(silo);

    /// <summary>
    /// A cluster client as Ers.Web builds it; <paramref name="retryWindow"/> zero shows raw failover errors, null keeps
    /// Ers.Web's default, and so does a null <paramref name="responseTimeout"/> (one attempt's timeout).
    /// </summary>
    /// <param name="retryWindow">The client's retry window (<c>Ers:Cluster:ClientRetryWindow</c>).</param>
    /// <param name="responseTimeout">One attempt's timeout (<c>Ers:Cluster:ClientResponseTimeout</c>).</param>
    /// <param name="settings">More client settings (configuration form), e.g. <c>Ers:Cluster:Tls:*</c>.</param>
    /// <param name="startTimeout">How long connecting may take (default 60 s) before the start fails.</param>
    public async Task<IClusterClient> ConnectClientAsync(
        TimeSpan? retryWindow, TimeSpan? responseTimeout = null, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? startTimeout = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var client = new ErsSettings().RedisCluster(Redis.ConnectionString, _clusterId).Set(settings ?? new Dictionary<string, string>());
        if (retryWindow is { } window)
        {
            client.Set("Ers:Cluster:ClientRetryWindow", window.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (responseTimeout is { } attempt)
        {
            client.Set("Ers:Cluster:ClientResponseTimeout", attempt.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        builder.Configuration.AddInMemoryCollection(client.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.AddErsClusterClient();
        var host = builder.Build();
        // Kept even when the start fails, so the cluster's disposal stops it.
        _clients.Add(host);
        using var timeout = new CancellationTokenSource(startTimeout ?? TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The session ids that have a record of this event in the PostgreSQL audit trail.</summary>
    public async Task<HashSet<string>> AuditedSessionsAsync(string auditEvent)
    {
        await using var command = AuditDataSource.CreateCommand(
            $"SELECT session_id FROM {AuditSchema.Table} WHERE event = $1 AND session_id IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = auditEvent });
        var ids = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The session of the user's latest <c>SessionCreated</c> record.</summary>
    public async Task<string> LatestSessionOfAsync(string userId)
    {
        await using var command = AuditDataSource.CreateCommand(
            $"SELECT session_id FROM {AuditSchema.Table} WHERE event = 'SessionCreated' AND user_id = $1 ORDER BY time DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many records of <paramref name="auditEvent"/> the session has in the audit trail now.</summary>
    public async Task<long> AuditCountAsync(string auditEvent, string sessionId)
    {
        await using var command = AuditDataSource.CreateCommand(
            $"SELECT count(*) FROM {AuditSchema.Table} WHERE event = $1 AND session_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = auditEvent });
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The <c>SessionEnded</c> records of <paramref name="sessionIds"/>, or of every session when null.</summary>
    public async Task<List<AuditedSessionEnd>> SessionEndsAsync(IReadOnlyCollection<string>? sessionIds = null)
    {
        await using var command = AuditDataSource.CreateCommand(
            $"SELECT session_id, reason, time FROM {AuditSchema.Table} WHERE event = 'SessionEnded' AND session_id IS NOT NULL" +
            (sessionIds is null ? "" : " AND session_id = ANY($1)"));
        if (sessionIds is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sessionIds.ToArray() });
        }

        var ends = new List<AuditedSessionEnd>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ends.Add(new AuditedSessionEnd(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return ends;
    }

    /// <summary>
    /// Waits until every one of <paramref name="sessionIds"/> has a <c>SessionEnded</c> record, looking every
    /// <paramref name="every"/> (200 ms unless told), and answers their end records; a <see cref="TimeoutException"/>
    /// after <paramref name="timeout"/>.
    /// </summary>
    public async Task<List<AuditedSessionEnd>> WaitForSessionEndsAsync(IReadOnlyCollection<string> sessionIds, TimeSpan timeout, TimeSpan? every = null)
    {
        List<AuditedSessionEnd> ends = [];
        await Eventually.TrueAsync(async () =>
        {
            ends = await SessionEndsAsync(sessionIds);
            return sessionIds.All(id => ends.Any(e => e.SessionId == id));
        }, $"an end record for each of {sessionIds.Count} sessions", timeout, every ?? TimeSpan.FromMilliseconds(200));
        return ends;
    }

    /// <summary>The silo that hosts <paramref name="grain"/>'s activation now, as the management grain answers.</summary>
    public async Task<SiloProcess> SiloHostingAsync(IClusterClient client, IAddressable grain)
    {
        var address = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        Assert.NotNull(address);
        return Silos.Single(s => s.SiloPort == address.Endpoint.Port);
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = AuditDataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Brings the cluster back to <paramref name="count"/> silos after a test took some away.</summary>
    public async Task EnsureSilosAsync(int count)
    {
        while (Silos.Count < count)
        {
            await AddSiloAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // The cluster is going away anyway.
            }

            client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await AuditDataSource.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
