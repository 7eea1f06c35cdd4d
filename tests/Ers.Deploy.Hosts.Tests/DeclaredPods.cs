using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Ers.Cluster;
using Ers.Deploy.Tests;
using Ers.Testing;
using Ers.Testing.Processes;
using Ers.Testing.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ers.Deploy.Hosts.Tests;

/// <summary>
/// The pods the rendered base manifests declare, started on this machine with exactly their declared environment. A
/// throwaway Redis and PostgreSQL stand in for the Secret's stores (the hosts write as an application role, as
/// k8s/README.md tells a site to create), a development PKI for every mounted <c>/etc/ers/...</c> file, and the
/// migration Job runs first, as each deploy runs it. Only pod fields, Secret values, ports (several hosts on one
/// machine) and mounted paths are replaced; any other override fails the test: fix the manifests instead. Disposing
/// stops every pod, then the stores, and deletes the work folder.
/// </summary>
internal sealed class DeclaredPods : IAsyncDisposable
{
    private const string OperationsPortSetting = "Ers__Operations__Port";

    /// <summary>Settings a test may replace besides mounted paths; anything else would mean the manifests and the hosts disagree.</summary>
    private static readonly HashSet<string> PortSettings =
        ["Urls", "Ers__Cluster__SiloPort", "Ers__Cluster__GatewayPort", OperationsPortSetting, "Ers__Ingress__HttpsUrl"];

    private readonly List<HostProcess> _hosts = [];
    private readonly Dictionary<string, string> _standIns;
    private RedisServer? _redis;
    private PostgresServer? _postgres;

    private DeclaredPods(string work)
    {
        Work = work;
        Pki = Path.Combine(work, "pki");
        var dataProtectionKey = Path.Combine(work, "data-protection-key");
        _standIns = new Dictionary<string, string>
        {
            ["/etc/ers/card-pki/root-ca.pem"] = Path.Combine(Pki, "smartcard-root-ca.crt.pem"),
            ["/etc/ers/card-pki/issuing-ca.pem"] = Path.Combine(Pki, "smartcard-issuing-ca.crt.pem"),
            ["/etc/ers/workstation-ca/ca.crt"] = Path.Combine(Pki, "workstation-ca.crt.pem"),
            ["/etc/ers/workstation-ca/ca.crl"] = Path.Combine(Pki, "crl", "workstation-ca.crl"),
            ["/etc/ers/data-protection/key"] = dataProtectionKey,
            // The Secret ers-cluster-tls: Orleans' member TLS.
            ["/etc/ers/cluster-tls/tls.crt"] = Path.Combine(Pki, "cluster.crt.pem"),
            ["/etc/ers/cluster-tls/tls.key"] = Path.Combine(Pki, "cluster.key.pem"),
            ["/etc/ers/cluster-tls/ca.crt"] = Path.Combine(Pki, "cluster-ca.crt.pem"),
            // The Secret ers-web-ingress-tls: the server certificate (for 127.0.0.1) as the pods' ingress-port
            // certificate, and the ingress CA.
            ["/etc/ers/ingress-tls/tls.crt"] = Path.Combine(Pki, "server.crt.pem"),
            ["/etc/ers/ingress-tls/tls.key"] = Path.Combine(Pki, "server.key.pem"),
            ["/etc/ers/ingress-tls/ingress-ca.crt"] = Path.Combine(Pki, "ingress-ca.crt.pem"),
        };
    }

    public RenderedManifests Manifests { get; } = Kustomize.Render(Kustomize.Base);

    /// <summary>The work folder: the PKI, the data-protection key, whatever a tool run writes.</summary>
    public string Work { get; }

    /// <summary>The development PKI (<c>ers pki dev</c>) whose files stand in for the mounted ones.</summary>
    public string Pki { get; }

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("Not started.");

    /// <summary>The connection string of the role the hosts write the audit trail with (not its owner).</summary>
    public string HostsConnection { get; private set; } = "";

    /// <summary>The Secrets the pods' environment refers to, with this machine's stores in them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Secrets { get; private set; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Every pod started, in order.</summary>
    public IReadOnlyList<HostProcess> Hosts => _hosts;

    /// <summary>
    /// Starts the stores, makes the PKI and the data-protection key, and runs the migration Job with its declared
    /// environment and arguments; no pod yet.
    /// </summary>
    /// <param name="workPrefix">The work folder's name prefix (a temp folder).</param>
    public static async Task<DeclaredPods> StartAsync(string workPrefix)
    {
        var pods = new DeclaredPods(Directory.CreateTempSubdirectory(workPrefix).FullName);
        try
        {
            var redis = RedisServer.StartAsync();
            var postgres = PostgresServer.StartAsync();
            var pki = RunToolAsync(pods.Work, new Dictionary<string, string>(), "pki", "dev", "--out", pods.Pki);
            (pods._redis, pods._postgres) = (await redis, await postgres);
            await pki;
            // Two database roles, as k8s/README.md tells a site to create: the owner (here the cluster's superuser)
            // for the migration Job, and the role every host writes with.
            pods.HostsConnection = await CreateApplicationRoleAsync(pods.Postgres, "ers_app");
            pods.Secrets = DeclaredEnvironment.ErsSecrets(pods.Redis.ConnectionString, pods.HostsConnection, auditPostgresOwner: pods.Postgres.ConnectionString);
            // The Secret volume's file, from the same stand-in value the Secret would hold.
            await File.WriteAllTextAsync(pods._standIns["/etc/ers/data-protection/key"],
                pods.Secrets[DeclaredEnvironment.SecretName][DeclaredEnvironment.DataProtectionKey]);

            var job = pods.Manifests.Container("ers-audit-migrate", "audit-migrate");
            await RunToolAsync(pods.Work, pods.Resolve("ers-audit-migrate", "audit-migrate", "ers-audit-migrate-x", "127.0.0.5"), [.. job.Args]);
            return pods;
        }
        catch
        {
            await pods.DisposeAsync();
            throw;
        }
    }

    /// <summary>The declared environment of a container of <paramref name="workload"/> in a pod of that name and address.</summary>
    public IReadOnlyDictionary<string, string> Resolve(string workload, string container, string podName, string podIp) =>
        DeclaredEnvironment.Resolve(Manifests, workload, container,
            new EnvironmentSources { Secrets = Secrets, Fields = EnvironmentSources.PodFields(podName, podIp) });

    /// <summary>
    /// Starts silo pod <paramref name="index"/> on 127.0.0.(2 + index); a silo with an advertised address listens on
    /// every interface, so each also gets its own ports. Not yet waited on: see <see cref="WaitReadyAsync"/>.
    /// </summary>
    public Pod StartSilo(int index)
    {
        var ip = $"127.0.0.{2 + index}";
        var declared = Resolve("ers-silo", "silo", $"ers-silo-{index}", ip);
        var http = FreePort.Next();
        var overrides = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://{ip}:{http}",
            ["Ers__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Ers__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        // The silo reads the CAs and CRLs (it owns revocation) and the Orleans TLS member files.
        ReplaceMountedFiles(declared, overrides);
        return Start($"ers-silo-{index}", "Ers.Silo", new Uri($"http://{ip}:{http}"), declared, overrides);
    }

    /// <summary>
    /// Starts a web pod: its public (ingress) port over mutual TLS with the ingress, its operations port apart, as the
    /// kubelet probes one and the ingress reaches only the other. Every stand-in file is one the web mounts.
    /// </summary>
    public Pod StartWeb(string podName)
    {
        var declared = Resolve("ers-web", "web", podName, "127.0.0.4");
        var port = FreePort.Next();
        var operationsPort = FreePort.Next();
        var overrides = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{operationsPort}",
            [OperationsPortSetting] = operationsPort.ToString(CultureInfo.InvariantCulture),
            ["Ers__Ingress__HttpsUrl"] = $"https://127.0.0.1:{port}",
        };
        var replaced = ReplaceMountedFiles(declared, overrides);
        Assert.Equal(_standIns.Count, replaced);
        var web = Start(podName, "Ers.Web", new Uri($"https://127.0.0.1:{port}"), declared, overrides);
        web.Host.OperationsAddress = new Uri($"http://127.0.0.1:{operationsPort}");
        return web;
    }

    /// <summary>The kubelet's view: startup, then ready, on every pod started so far.</summary>
    public async Task WaitReadyAsync()
    {
        foreach (var host in _hosts)
        {
            await host.WaitHealthyAsync("startup", TimeSpan.FromSeconds(90));
            await host.WaitHealthyAsync("ready", TimeSpan.FromSeconds(60));
        }
    }

    /// <summary><paramref name="failure"/> with what every pod printed, for a failure that is not an assertion's.</summary>
    public InvalidOperationException WithOutputs(Exception failure) => HostProcess.WithOutputs(failure, _hosts);

    /// <summary>A client of a web pod's ingress port as ingress-nginx is one.</summary>
    public HttpClient IngressClient(Pod web) =>
        new(IngressHandler()) { BaseAddress = web.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>TLS as ingress-nginx speaks it to a pod (proxy-ssl-secret): its client certificate, the pod's checked against the dev server CA.</summary>
    public SocketsHttpHandler IngressHandler()
    {
        var ingress = X509CertificateLoader.LoadPkcs12(
            X509Certificate2.CreateFromPemFile(Path.Combine(Pki, "ingress.crt.pem"), Path.Combine(Pki, "ingress.key.pem")).Export(X509ContentType.Pkcs12), null);
        var serverCa = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Pki, "server-ca.crt.pem"));
        return new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            SslOptions =
            {
                ClientCertificates = [ingress],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => ingress,
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(serverCa);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return presented is X509Certificate2 server && chain.Build(server);
                },
            },
        };
    }

    /// <summary>
    /// An Orleans client configured from <paramref name="web"/>'s environment, as the web builds its own; not started.
    /// </summary>
    public static IHost ClusterClientOf(Pod web)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(web.Environment.Select(e =>
            new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        // The test's own client, not the web's: the first login on a cold cluster (activations, the first audit
        // connection) on a loaded two-core machine can take longer than a web node's 2 s per call.
        builder.Configuration["Ers:Cluster:ClientResponseTimeout"] = "00:00:10";
        builder.AddErsClusterClient();
        return builder.Build();
    }

    /// <summary>Runs <c>ers</c> (the tools) in <paramref name="workingDirectory"/> with exactly <paramref name="declared"/>.</summary>
    public static async Task RunToolAsync(string workingDirectory, IReadOnlyDictionary<string, string> declared, params string[] args)
    {
        var info = DeclaredEnvironment.StartInfo("dotnet", [BuildOutput.Tool, .. args], declared);
        info.WorkingDirectory = workingDirectory;
        await ProcessRunner.RunAsync(info);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await HostProcess.DisposeAllAsync(_hosts);
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(Work, recursive: true);
        }
    }

    private Pod Start(string name, string project, Uri baseAddress, IReadOnlyDictionary<string, string> declared, Dictionary<string, string?> overrides)
    {
        foreach (var setting in overrides.Keys)
        {
            Assert.True(declared.ContainsKey(setting), $"{setting} is not declared by the manifest, so it may not be overridden either");
        }

        var assembly = BuildOutput.Of(project, project + ".dll");
        var info = DeclaredEnvironment.StartInfo("dotnet", [assembly], declared, overrides);
        info.WorkingDirectory = Path.GetDirectoryName(assembly)!;
        var host = HostProcess.Start(name, baseAddress, info);
        _hosts.Add(host);
        return new Pod(host, WithOverrides(declared, overrides));
    }

    /// <summary>
    /// Points every declared <c>/etc/ers/...</c> path at its local stand-in (failing on one without), and fails on an
    /// override that is neither a port nor a mounted path; returns how many paths it replaced.
    /// </summary>
    private int ReplaceMountedFiles(IReadOnlyDictionary<string, string> declared, Dictionary<string, string?> overrides)
    {
        foreach (var setting in overrides.Keys)
        {
            Assert.True(PortSettings.Contains(setting), $"{setting} is overridden: fix the manifests instead");
        }

        var replaced = 0;
        foreach (var (name, value) in declared.Where(e => e.Value.StartsWith("/etc/ers/", StringComparison.Ordinal)))
        {
            Assert.True(_standIns.TryGetValue(value, out var local), $"{name} names {value}, which this test has no stand-in for");
            Assert.True(File.Exists(local), $"no stand-in file {local}");
            overrides[name] = local;
            replaced++;
        }

        return replaced;
    }

    private static Dictionary<string, string> WithOverrides(IReadOnlyDictionary<string, string> declared, IReadOnlyDictionary<string, string?> overrides)
    {
        var merged = new Dictionary<string, string>(declared);
        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }

        return merged;
    }

    private static async Task<string> CreateApplicationRoleAsync(PostgresServer postgres, string role)
    {
        await using (var admin = postgres.CreateDataSource())
        await using (var create = admin.CreateCommand($"CREATE ROLE {role} LOGIN"))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Username = role }.ConnectionString;
    }
}
