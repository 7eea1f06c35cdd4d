using Ers.Grains;
using Ers.Testing.Pki;
using Ers.Tools.Pki;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Testing.Hosts;

/// <summary>
/// The real Ers.Web (its own <c>Program</c>, co-hosting a silo unless the settings say otherwise) built the way every
/// test and benchmark builds it: a temporary data directory, a development PKI in it (<see cref="CreatePki"/>), the
/// settings of <see cref="ErsSettings.ForWebNode"/> with the PKI trusted and the agents' API on real Kestrel TLS,
/// and on top only what differs for a host (<see cref="Configure"/> or an override of <see cref="ConfigureSettings"/>).
/// <see cref="StartKestrel"/> serves on real sockets; without it the factory is an in-memory test server.
/// </summary>
public class ErsWebFactory : WebApplicationFactory<Program>
{
    private DevPki? _pki;

    public ErsWebFactory(string name = "ers-web")
    {
        Name = name;
        DataDirectory = Directory.CreateTempSubdirectory(name + "-").FullName;
    }

    /// <summary>Names the data directory and the cluster id.</summary>
    public string Name { get; }

    public string DataDirectory { get; }

    public string PkiDirectory => Path.Combine(DataDirectory, "pki");

    /// <summary>The development PKI the host trusts and whose server certificate it serves.</summary>
    public DevPki Pki => _pki ??= CreatePki();

    /// <summary>When set, the rules' clock (keyed <see cref="ErsTime.Key"/>) and the PKI's clock.</summary>
    public FakeTimeProvider? RulesTime { get; init; }

    /// <summary>The hosting environment; null keeps the factory's default.</summary>
    public string? HostEnvironment { get; init; }

    /// <summary>Settings that differ for this host, applied over the defaults.</summary>
    public Action<ErsSettings>? Configure { get; init; }

    /// <summary>Services that differ for this host (test endpoints, exporters), applied after the host's own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The addresses Kestrel listens on (after <see cref="StartKestrel"/>).</summary>
    public IReadOnlyList<Uri> Addresses =>
        [.. Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>The one listening address with this scheme (<c>http</c> or <c>https</c>).</summary>
    public Uri AddressOf(string scheme) => Addresses.Single(a => a.Scheme == scheme);

    /// <summary>Serves on real Kestrel sockets, on the addresses the settings name.</summary>
    public ErsWebFactory StartKestrel()
    {
        UseKestrel();
        StartServer();
        return this;
    }

    /// <summary>Waits until the sample directory is seeded (a hosted service does it once the silo is up).</summary>
    public Task WaitForUserAsync(string userId, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(async () => await Grains.GetGrain<Ers.Staff.IUserGrain>(userId).GetProfileAsync() is not null,
            $"user {userId} to be imported from the directory", timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Waits until this node receives the pushed session ends.</summary>
    public Task WaitForSessionPushAsync() =>
        Services.GetRequiredService<SessionEndSubscription>().Subscribed.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Makes the PKI in <see cref="PkiDirectory"/>; a host that needs more (cards, workstations) overrides it.</summary>
    protected virtual DevPki CreatePki() => TestPkiMaker.Create(PkiDirectory, RulesTime ?? TimeProvider.System);

    protected virtual void ConfigureSettings(ErsSettings settings) => Configure?.Invoke(settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        _ = Pki;
        if (HostEnvironment is { } environment)
        {
            builder.UseEnvironment(environment);
        }

        // Explicit, so hosts started outside a test run (the benchmarks) find Ers.Web's appsettings and static files.
        builder.UseContentRoot(RepoRoot.Combine("src", "Ers.Web"));
        var settings = ErsSettings.ForWebNode(DataDirectory, Name).TrustPki(PkiDirectory).AgentApi(PkiDirectory);
        ConfigureSettings(settings);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (RulesTime is not null)
            {
                services.AddKeyedSingleton<TimeProvider>(ErsTime.Key, RulesTime);
            }

            TestServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping host: the system cleans its temp folder.
        }
    }
}
