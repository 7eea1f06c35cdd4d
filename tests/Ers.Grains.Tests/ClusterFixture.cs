using Ers.Audit;
using Ers.Grains.Audit;
using Ers.Staff;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Ers.Grains.Tests;

/// <summary>
/// One in-process silo for every grain test, with the Ers grain services, a fake clock for the session rules and
/// a real file audit trail. Tests use unique keys so they never share state.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 30, 0, TimeSpan.Zero);

    private readonly string _auditPath = Path.Combine(Path.GetTempPath(), $"ers-grain-tests-{Guid.NewGuid():N}", "audit.jsonl");
    private InProcessTestCluster? _cluster;

    public FakeTimeProvider Clock { get; } = new(Start);

    public IAuditTrail Audit { get; private set; } = null!;

    public IClusterClient Client => _cluster!.Client;

    /// <summary>The silo's record of cluster membership changes (tests announce one).</summary>
    public Workstations.ClusterChanges ClusterChanges =>
        _cluster!.Silos[0].SiloHost.Services.GetRequiredService<Workstations.ClusterChanges>();

    /// <summary>Settings the tests rely on: short, round numbers.</summary>
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Ers:Sessions:IdleTimeout"] = "00:10:00",
        ["Ers:Sessions:IdleWarning"] = "00:02:00",
        ["Ers:Sessions:AbsoluteTimeout"] = "08:00:00",
        ["Ers:Sessions:AbsoluteWarning"] = "00:10:00",
        ["Ers:Sessions:HeartbeatTimeout"] = "00:00:30",
        ["Ers:Sessions:ConcurrentSessionPolicy"] = "TerminateOldest",
        ["Ers:Sessions:MaxSessionsPerUser"] = "1",
    };

    public async Task InitializeAsync()
    {
        Audit = new FileAuditTrail(_auditPath);
        _cluster = await StartSiloAsync(Settings, Audit, Clock);
    }

    /// <summary>
    /// One in-process silo with the Ers grain services on <paramref name="settings"/> and memory storage, for tests
    /// whose settings differ from the shared fixture's (a deployment-wide policy, a signing key): the session rules
    /// run on <paramref name="clock"/> when given, on the real clock otherwise.
    /// </summary>
    public static async Task<InProcessTestCluster> StartSiloAsync(IEnumerable<KeyValuePair<string, string?>> settings, IAuditTrail audit, TimeProvider? clock = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(ErsStorage.State);
            if (clock is not null)
            {
                silo.Services.AddKeyedSingleton(ErsTime.Key, clock);
            }

            silo.Services.AddSingleton(audit);
            silo.Services.AddErsGrainServices(configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        (Audit as IDisposable)?.Dispose();
        Directory.Delete(Path.GetDirectoryName(_auditPath)!, recursive: true);
    }

    /// <summary>A user with a fresh UUID and the given profiles, imported into the directory.</summary>
    public async Task<StaffUser> NewUserAsync(params RoleProfile[] profiles)
    {
        var user = new StaffUser(Ids.NewDigits(12), "Dr Test User", profiles);
        await Client.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        return user;
    }
}
