using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Testing.Pki;
using Ers.Testing.Processes;
using Ers.Testing.Silos;
using Ers.Tools.Pki;

namespace Ers.Testing.Hosts;

/// <summary>
/// The cluster the manifests describe, on this machine: a development PKI in a work folder of its own, an
/// <see cref="ErsCluster"/> (Redis, PostgreSQL, real silos) and several <see cref="WebNodeProcess"/> cluster clients
/// sharing one data-protection key, as web pods behind one ingress. Disposing stops the web nodes, then the cluster,
/// and deletes the work folder.
/// </summary>
public sealed class WebCluster : IAsyncDisposable
{
    private readonly List<WebNodeProcess> _webs = [];
    private ErsCluster? _cluster;

    private WebCluster(string work, DevPki pki)
    {
        Work = work;
        Pki = pki;
        DataProtectionKeyFile = Path.Combine(work, "data-protection-key");
    }

    /// <summary>The work folder: the PKI (<c>pki/</c>), the shared key, and whatever a test keeps there.</summary>
    public string Work { get; }

    public DevPki Pki { get; }

    /// <summary>The shared key ring's key (32 random bytes, base64), the same on every web node.</summary>
    public string DataProtectionKeyFile { get; }

    public ErsCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    /// <summary>The web nodes, in the order of the names they were started with.</summary>
    public IReadOnlyList<WebNodeProcess> Webs => _webs;

    /// <summary>Every web node's agents' API, in the order of <see cref="Webs"/> (an ingress's backends).</summary>
    public IReadOnlyList<Uri> AgentUrls => [.. _webs.Select(w => w.AgentUrl)];

    /// <summary>The CA of the web nodes' server certificate, which a browser or an agent must trust.</summary>
    public X509Certificate2 ServerCa() =>
        X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(Pki.Directory, DevPki.ServerCaName));

    /// <summary>
    /// Makes the PKI, starts the cluster with <paramref name="silos"/> silos, then the web nodes <paramref name="webNames"/>
    /// side by side, and waits until each is ready.
    /// </summary>
    /// <param name="workPrefix">The work folder's name prefix (a temp folder, e.g. <c>ers-multinode-</c>).</param>
    /// <param name="silos">How many silos to start.</param>
    /// <param name="siloSettings">The silos' settings (configuration form) given the PKI, see <see cref="ErsCluster.StartAsync"/>.</param>
    /// <param name="webSettings">The web nodes' settings (configuration form) given this cluster, see <see cref="WebNodeProcess.StartAsync"/>.</param>
    /// <param name="webNames">The web nodes' names, one node each.</param>
    public static async Task<WebCluster> StartAsync(string workPrefix, int silos,
        Func<DevPki, IReadOnlyDictionary<string, string>> siloSettings,
        Func<WebCluster, IReadOnlyDictionary<string, string>> webSettings,
        params string[] webNames)
    {
        var work = Directory.CreateTempSubdirectory(workPrefix).FullName;
        var web = new WebCluster(work, TestPkiMaker.Create(Path.Combine(work, "pki"), TimeProvider.System));
        try
        {
            web._cluster = await ErsCluster.StartAsync(silos, siloSettings(web.Pki));
            await File.WriteAllTextAsync(web.DataProtectionKeyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            var settings = webSettings(web);
            var starting = webNames.Select(n => WebNodeProcess.StartAsync(n, web.Cluster, web.Pki.Directory, web.DataProtectionKeyFile, settings)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                web._webs.AddRange(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }

            return web;
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }
    }

    /// <summary><paramref name="failure"/> with what every web node printed, for a failure that is not an assertion's.</summary>
    public InvalidOperationException WithOutputs(Exception failure) => HostProcess.WithOutputs(failure, _webs.Select(w => w.Host));

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var web in _webs)
            {
                await web.DisposeAsync();
            }

            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(Work, recursive: true);
        }
    }
}
