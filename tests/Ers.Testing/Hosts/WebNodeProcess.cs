using System.Globalization;
using Ers.Testing.Processes;
using Ers.Testing.Silos;

namespace Ers.Testing.Hosts;

/// <summary>
/// One real <c>Ers.Web</c> process as a web pod runs it: a cluster client (no co-hosted silo) of an
/// <see cref="ErsCluster"/>, its pages over HTTPS and its agents' mutual-TLS API on the PKI's server certificate,
/// health probes on plain HTTP, the shared key ring in the cluster's Redis. Its ports stay the same across
/// <see cref="RestartAsync"/>, so a browser and an agent find it again where they left it.
/// </summary>
public sealed class WebNodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private readonly IReadOnlyDictionary<string, string> _environment;
    private HostProcess _host;

    private WebNodeProcess(string name, IReadOnlyDictionary<string, string> environment, Uri pagesUrl, Uri agentUrl, Uri healthUrl)
    {
        Name = name;
        _environment = environment;
        PagesUrl = pagesUrl;
        AgentUrl = agentUrl;
        HealthUrl = healthUrl;
        _host = Launch();
    }

    public string Name { get; }

    /// <summary>Where a browser opens the pages (HTTPS, the <c>__Host-</c> cookie needs it).</summary>
    public Uri PagesUrl { get; }

    /// <summary>The agents' API (mutual TLS).</summary>
    public Uri AgentUrl { get; }

    /// <summary>The health probes (plain HTTP, as a kubelet probes a pod).</summary>
    public Uri HealthUrl { get; }

    public string Output => _host.Output;

    public HostProcess Host => _host;

    /// <param name="name">Process name in failure output.</param>
    /// <param name="cluster">The cluster it is a client of; its silos' stores and settings are the web's too.</param>
    /// <param name="pki">The development PKI the node trusts and serves with (see <see cref="Pki.TestPkiMaker"/>).</param>
    /// <param name="dataProtectionKeyFile">The shared key ring's key (32 random bytes, base64), the same on every node.</param>
    /// <param name="overrides">Settings (configuration form) that replace the ones above.</param>
    public static async Task<WebNodeProcess> StartAsync(string name, ErsCluster cluster, string pki, string dataProtectionKeyFile,
        IReadOnlyDictionary<string, string>? overrides = null)
    {
        var pages = FreePort.Next();
        var health = FreePort.Next();
        var agent = FreePort.Next();
        var pagesUrl = new Uri($"https://127.0.0.1:{pages.ToString(CultureInfo.InvariantCulture)}");
        var agentUrl = new Uri($"https://127.0.0.1:{agent.ToString(CultureInfo.InvariantCulture)}");
        var healthUrl = new Uri($"http://127.0.0.1:{health.ToString(CultureInfo.InvariantCulture)}");
        var environment = new Dictionary<string, string>(cluster.SiloSettings);
        foreach (var (key, value) in new ErsSettings()
            .Set("Ers:Web:CoHostSilo", "false")
            .Set("Urls", $"{pagesUrl.GetLeftPart(UriPartial.Authority)};{healthUrl.GetLeftPart(UriPartial.Authority)}")
            .TrustPki(pki)
            .AgentApi(pki, agentUrl.GetLeftPart(UriPartial.Authority))
            .Set("Ers:AgentApi:BrowserBaseUrl", pagesUrl.GetLeftPart(UriPartial.Authority))
            .Set("Ers:Web:Browser:DataProtectionKeyFile", dataProtectionKeyFile)
            .Set("Ers:Directory:SeedFile", "")
            // appsettings.json turns the OpenID Connect provider on for the local run, with keys in .ers/; these nodes
            // serve card sessions only (the provider's several-node store is OidcPostgresStoreTests').
            .Set("Ers:Oidc:Enabled", "false")
            .Set(overrides ?? new Dictionary<string, string>())
            .ToEnvironment())
        {
            environment[key] = value;
        }

        var node = new WebNodeProcess(name, environment, pagesUrl, agentUrl, healthUrl);
        try
        {
            await node.WaitReadyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>Waits for <c>/health/startup</c> and then <c>/health/ready</c>, as the kubelet does before it sends traffic.</summary>
    public async Task WaitReadyAsync()
    {
        await _host.WaitHealthyAsync("startup", ReadyTimeout);
        await _host.WaitHealthyAsync("ready", ReadyTimeout);
    }

    /// <summary>A rolling-update stop: SIGTERM and the host's orderly shutdown.</summary>
    public Task StopAsync(TimeSpan timeout) => _host.StopAsync(timeout);

    /// <summary>SIGTERM, then the same node again on the same ports, ready.</summary>
    public async Task RestartAsync(TimeSpan stopTimeout)
    {
        await _host.StopAsync(stopTimeout);
        await _host.DisposeAsync();
        _host = Launch();
        await WaitReadyAsync();
    }

    // Run from the project folder, as `dotnet run` does: the pages' static files are its wwwroot.
    private HostProcess Launch() =>
        HostProcess.StartDotnet(Name, BuildOutput.Web, RepoRoot.Combine("src", "Ers.Web"), [],
            _environment.ToDictionary(e => e.Key, e => (string?)e.Value), HealthUrl);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
