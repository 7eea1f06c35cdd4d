using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ers.Api;
using Ers.Audit.Postgres;
using Ers.Cluster;
using Ers.Deploy.Tests;
using Ers.Testing;
using Ers.Testing.Processes;
using Ers.Testing.Servers;
using Ers.Testing.Silos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Ers.Deploy.Hosts.Tests;

/// <summary>
/// The proof that the manifests declare what the hosts read: two Ers.Silo processes and one Ers.Web process
/// started with exactly the environment the rendered base Deployments declare. Only these differ, each replacing a
/// declared value: pod fields (pod names, 127.0.0.x addresses), the Secret values (a throwaway Redis and PostgreSQL,
/// a fresh token key), ports (several hosts on one machine), the <c>/etc/ers/...</c> paths (a generated dev PKI) and
/// the site's ingress network (this machine's loopback address stands in for the ingress controller's pods).
/// </summary>
public sealed class DeclaredHostsTests(ITestOutputHelper output)
{
    /// <summary>Settings a test may replace; anything else would mean the manifests and the hosts disagree.</summary>
    private static readonly HashSet<string> PortSettings = ["Urls", "Ers__Cluster__SiloPort", "Ers__Cluster__GatewayPort", OperationsPortSetting, IngressUrlSetting];

    private const string OperationsPortSetting = "Ers__Operations__Port";

    private const string IngressUrlSetting = "Ers__Ingress__HttpsUrl";

    [Fact]
    public async Task Silos_and_web_started_with_their_declared_environment_become_ready_serve_agents_and_log_users_in()
    {
        var watch = Stopwatch.StartNew();
        var manifests = Kustomize.Render(Kustomize.Base);
        var work = Directory.CreateTempSubdirectory("ers-deploy-hosts-").FullName;
        var redisTask = RedisServer.StartAsync();
        var postgresTask = PostgresServer.StartAsync();
        await using var redis = await redisTask;
        await using var postgres = await postgresTask;
        var hosts = new List<HostProcess>();
        try
        {
            // Two database roles, as k8s/README.md tells a site to create: the owner (here the cluster's superuser) for the
            // migration Job, and the role every host writes with.
            var appConnection = await CreateApplicationRoleAsync(postgres, "ers_app");
            var secrets = DeclaredEnvironment.ErsSecrets(redis.ConnectionString, appConnection, auditPostgresOwner: postgres.ConnectionString);
            var pki = Path.Combine(work, "pki");
            await RunToolAsync(work, new Dictionary<string, string>(), "pki", "dev", "--out", pki);
            // The Secret volume's file, from the same stand-in value the Secret would hold.
            var dataProtectionKey = Path.Combine(work, "data-protection-key");
            await File.WriteAllTextAsync(dataProtectionKey, secrets[DeclaredEnvironment.SecretName][DeclaredEnvironment.DataProtectionKey]);

            // The migration Job, with its declared environment and arguments, as each deploy runs it.
            var job = manifests.Container("ers-audit-migrate", "audit-migrate");
            var jobEnvironment = DeclaredEnvironment.Resolve(manifests, "ers-audit-migrate", "audit-migrate",
                new EnvironmentSources { Secrets = secrets, Fields = EnvironmentSources.PodFields("ers-audit-migrate-x", "127.0.0.5") });
            await RunToolAsync(work, jobEnvironment, [.. job.Args]);

            // Every /etc/ers/... file a pod is told to read, replaced by its dev PKI counterpart.
            var devFiles = new Dictionary<string, string>(ClusterTlsStandIns(pki))
            {
                ["/etc/ers/card-pki/root-ca.pem"] = Path.Combine(pki, "smartcard-root-ca.crt.pem"),
                ["/etc/ers/card-pki/issuing-ca.pem"] = Path.Combine(pki, "smartcard-issuing-ca.crt.pem"),
                ["/etc/ers/workstation-ca/ca.crt"] = Path.Combine(pki, "workstation-ca.crt.pem"),
                ["/etc/ers/workstation-ca/ca.crl"] = Path.Combine(pki, "crl", "workstation-ca.crl"),
                ["/etc/ers/data-protection/key"] = dataProtectionKey,
            };
            foreach (var (mounted, standIn) in IngressTlsStandIns(pki))
            {
                devFiles[mounted] = standIn;
            }

            // Two silo pods on their own loopback addresses; silos with an advertised address listen on every interface,
            // so each also gets its own ports.
            for (var i = 0; i < 2; i++)
            {
                var ip = $"127.0.0.{2 + i}";
                var declared = DeclaredEnvironment.Resolve(manifests, "ers-silo", "silo", new EnvironmentSources
                {
                    Secrets = secrets,
                    Fields = EnvironmentSources.PodFields($"ers-silo-{i}", ip),
                });
                var http = FreePort.Next();
                var overrides = new Dictionary<string, string?>
                {
                    ["Urls"] = $"http://{ip}:{http}",
                    ["Ers__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                    ["Ers__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                };
                // The silo reads the CAs and CRLs (it owns revocation) and the Orleans TLS member files: the same
                // stand-ins as the web's.
                var siloPaths = ReplaceMountedFiles(declared, overrides, devFiles);
                AssertOnlyAllowedOverrides(declared, overrides, allowed: new HashSet<string>([.. PortSettings, .. siloPaths]));
                hosts.Add(Start($"ers-silo-{i}", "Ers.Silo", new Uri($"http://{ip}:{http}"), declared, overrides));
            }

            var webDeclared = DeclaredEnvironment.Resolve(manifests, "ers-web", "web", new EnvironmentSources
            {
                Secrets = secrets,
                Fields = EnvironmentSources.PodFields("ers-web-0", "127.0.0.4"),
            });
            var webPort = FreePort.Next();
            var webOperationsPort = FreePort.Next();
            var webOverrides = new Dictionary<string, string?>
            {
                ["Urls"] = $"http://127.0.0.1:{webOperationsPort}",
                [OperationsPortSetting] = webOperationsPort.ToString(CultureInfo.InvariantCulture),
                [IngressUrlSetting] = $"https://127.0.0.1:{webPort}",
            };
            var pathSettings = ReplaceMountedFiles(webDeclared, webOverrides, devFiles);
            Assert.Equal(devFiles.Count, pathSettings.Count);
            AssertOnlyAllowedOverrides(webDeclared, webOverrides, allowed: new HashSet<string>([.. PortSettings, .. pathSettings]));
            var web = Start("ers-web-0", "Ers.Web", new Uri($"https://127.0.0.1:{webPort}"), webDeclared, webOverrides);
            // The kubelet probes the `ops` port; the ingress (this test's requests) reaches only the public one.
            web.OperationsAddress = new Uri($"http://127.0.0.1:{webOperationsPort}");
            hosts.Add(web);

            // The kubelet's view: startup, then ready, on every pod.
            foreach (var host in hosts)
            {
                await host.WaitHealthyAsync("startup", TimeSpan.FromSeconds(60));
                await host.WaitHealthyAsync("ready", TimeSpan.FromSeconds(30));
            }

            output.WriteLine($"all three hosts ready after {watch.Elapsed.TotalSeconds:0.0} s");
            var code = await AssertAgentApiAuthenticatesTheForwardedWorkstationAndAuditsItsRefusalAsync(web, pki, postgres);
            output.WriteLine($"agent API refused the card with {code}");
            await AssertALoginThroughTheClusterWorksAsync(WithOverrides(webDeclared, webOverrides));
            output.WriteLine($"login through the cluster done after {watch.Elapsed.TotalSeconds:0.0} s");
            await AssertTheHostsRoleCannotRewriteTheTrailAsync(appConnection);

            // What the hosts wrote is chained with the declared key: `ers audit verify`, as an auditor runs it with the
            // hosts' credential and key, finds it intact.
            var auditor = DeclaredEnvironment.Resolve(manifests, "ers-silo", "silo", new EnvironmentSources
            {
                Secrets = secrets,
                Fields = EnvironmentSources.PodFields("auditor", "127.0.0.6"),
            }).Where(e => e.Key is "ConnectionStrings__Audit" or "Ers__Audit__ChainKey").ToDictionary();
            Assert.Equal(2, auditor.Count);
            await RunToolAsync(work, auditor, "audit", "verify");
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), $"took {watch.Elapsed}");
        }
        catch (Exception e) when (hosts.Count > 0 && e is not Xunit.Sdk.XunitException)
        {
            throw HostProcess.WithOutputs(e, hosts);
        }
        finally
        {
            await HostProcess.DisposeAllAsync(hosts);
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> AssertAgentApiAuthenticatesTheForwardedWorkstationAndAuditsItsRefusalAsync(
        HostProcess web, string pki, PostgresServer postgres)
    {
        await using var audit = postgres.CreateDataSource();
        var before = await AuditCountAsync(audit);
        // 'ers pki dev' issues this workstation's certificate by default.
        var workstationPem = await File.ReadAllTextAsync(Path.Combine(pki, "workstations", "WS-DEV-0001.crt.pem"));
        using var notACard = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(workstationPem);
        // As ingress-nginx reaches the pod: TLS to the ingress port, presenting the ingress's client certificate.
        using var http = IngressClient(web.BaseAddress!, pki);
        using var request = new HttpRequestMessage(HttpMethod.Post, AgentApiRoutes.CardInserted)
        {
            // A well-formed certificate that no smartcard CA issued: the workstation gets through, the card is refused by
            // the chain check against the declared card roots.
            Content = new StringContent(
                JsonSerializer.Serialize(new CardInsertedRequest(Guid.NewGuid().ToString(), notACard.RawData, LoginStatement.Protocol), JsonSerializerOptions.Web),
                System.Text.Encoding.UTF8, "application/json"),
        };
        // What ingress-nginx sends after verifying the workstation: the URL-encoded PEM in ssl-client-cert.
        request.Headers.Add("ssl-client-cert", Uri.EscapeDataString(workstationPem));

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
            $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        Assert.False(string.IsNullOrEmpty(code), body);
        // The forwarded workstation certificate was believed (trusted proxy, trusted CA, CRL read): the refusal is the
        // card certificate's.
        Assert.StartsWith("certificate.", code, StringComparison.Ordinal);

        // The web is a cluster client; its own refusals still reach the cluster's PostgreSQL audit trail.
        await Eventually.TrueAsync(async () => await AuditCountAsync(audit) > before, "the web's refusal to appear in the PostgreSQL audit trail", TimeSpan.FromSeconds(15));
        return code!;
    }

    /// <summary>
    /// An Orleans client configured from the web's declared environment, as the web builds its own; not started.
    /// </summary>
    internal static IHost ClusterClientFor(IReadOnlyDictionary<string, string> webDeclared)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(webDeclared.Select(e =>
            new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        // The test's own client, not the web's: the first login on a cold cluster (activations, the first audit
        // connection) on a loaded two-core machine can take longer than a web node's 2 s per call.
        builder.Configuration["Ers:Cluster:ClientResponseTimeout"] = "00:00:10";
        builder.AddErsClusterClient();
        return builder.Build();
    }

    private static async Task AssertALoginThroughTheClusterWorksAsync(IReadOnlyDictionary<string, string> webDeclared)
    {
        using var host = ClusterClientFor(webDeclared);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        try
        {
            var login = await LoginDriver.LoginOnceAsync(host.Services.GetRequiredService<IClusterClient>(), Stopwatch.StartNew(), worker: 0);
            Assert.True(login.Succeeded, $"login refused ({login.RefusalCode}) or failed: {login.Error}");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The development PKI's files standing in for the Secret <c>ers-web-ingress-tls</c>: its server certificate (for
    /// 127.0.0.1) as the pods' ingress-port certificate, and its ingress CA.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> IngressTlsStandIns(string pki) => new Dictionary<string, string>
    {
        ["/etc/ers/ingress-tls/tls.crt"] = Path.Combine(pki, "server.crt.pem"),
        ["/etc/ers/ingress-tls/tls.key"] = Path.Combine(pki, "server.key.pem"),
        ["/etc/ers/ingress-tls/ingress-ca.crt"] = Path.Combine(pki, "ingress-ca.crt.pem"),
    };

    /// <summary>A client of a web pod's ingress port as ingress-nginx is one: the dev PKI's ingress certificate, the pod verified.</summary>
    internal static HttpClient IngressClient(Uri ingressPort, string pki) =>
        new(IngressHandler(pki)) { BaseAddress = ingressPort, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>TLS as ingress-nginx speaks it to a pod (proxy-ssl-secret): its client certificate, the pod's checked against the dev server CA.</summary>
    internal static SocketsHttpHandler IngressHandler(string pki)
    {
        var ingress = X509CertificateLoader.LoadPkcs12(
            X509Certificate2.CreateFromPemFile(Path.Combine(pki, "ingress.crt.pem"), Path.Combine(pki, "ingress.key.pem")).Export(X509ContentType.Pkcs12), null);
        var serverCa = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki, "server-ca.crt.pem"));
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

    /// <summary>The development PKI's Orleans TLS files standing in for the Secret <c>ers-cluster-tls</c>.</summary>
    internal static IReadOnlyDictionary<string, string> ClusterTlsStandIns(string pki) => new Dictionary<string, string>
    {
        ["/etc/ers/cluster-tls/tls.crt"] = Path.Combine(pki, "cluster.crt.pem"),
        ["/etc/ers/cluster-tls/tls.key"] = Path.Combine(pki, "cluster.key.pem"),
        ["/etc/ers/cluster-tls/ca.crt"] = Path.Combine(pki, "cluster-ca.crt.pem"),
    };

    /// <summary>
    /// Points every declared <c>/etc/ers/...</c> path not already overridden at its local stand-in (failing on one
    /// without); returns the settings it replaced.
    /// </summary>
    internal static HashSet<string> ReplaceMountedFiles(
        IReadOnlyDictionary<string, string> declared, Dictionary<string, string?> overrides, IReadOnlyDictionary<string, string> standIns)
    {
        var replaced = new HashSet<string>();
        // A setting the test already replaced keeps its value.
        foreach (var (name, value) in declared.Where(e => e.Value.StartsWith("/etc/ers/", StringComparison.Ordinal) && !overrides.ContainsKey(e.Key)))
        {
            Assert.True(standIns.TryGetValue(value, out var local), $"{name} names {value}, which this test has no stand-in for");
            Assert.True(File.Exists(local), $"no stand-in file {local}");
            overrides[name] = local;
            replaced.Add(name);
        }

        return replaced;
    }

    /// <summary>The environment a host process gets: declared, with the test's overrides applied.</summary>
    internal static IReadOnlyDictionary<string, string> WithOverrides(IReadOnlyDictionary<string, string> declared, IReadOnlyDictionary<string, string?> overrides)
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

    /// <summary>
    /// What the hosts' credential may not do, whoever holds it: change or delete rows, or drop or disable the
    /// append-only trigger (only the owner could, and the migration refuses an application role that owns the table).
    /// </summary>
    private static async Task AssertTheHostsRoleCannotRewriteTheTrailAsync(string appConnection)
    {
        await using var app = NpgsqlDataSource.Create(appConnection + ";Pooling=false");
        string[] attempts =
        [
            $"DELETE FROM {AuditSchema.Table}",
            $"UPDATE {AuditSchema.Table} SET reason = 'rewritten'",
            $"DROP TRIGGER audit_record_no_update_delete ON {AuditSchema.Table}",
            $"ALTER TABLE {AuditSchema.Table} DISABLE TRIGGER ALL",
            $"CREATE TABLE {AuditSchema.Schema}.planted (id int)",
        ];
        foreach (var sql in attempts)
        {
            await using var command = app.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(async () => await command.ExecuteNonQueryAsync());
            Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }

        Assert.True(await AuditCountAsync(app) > 0, "the hosts' role reads the trail");
    }

    private static async Task<long> AuditCountAsync(NpgsqlDataSource audit)
    {
        await using var command = audit.CreateCommand($"SELECT count(*) FROM {AuditSchema.Table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void AssertOnlyAllowedOverrides(
        IReadOnlyDictionary<string, string> declared, IReadOnlyDictionary<string, string?> overrides, IReadOnlySet<string> allowed)
    {
        foreach (var name in overrides.Keys)
        {
            Assert.True(allowed.Contains(name), $"{name} is overridden: fix the manifests instead");
            Assert.True(declared.ContainsKey(name), $"{name} is not declared by the manifest, so it may not be overridden either");
        }
    }

    internal static HostProcess Start(
        string name, string project, Uri baseAddress, IReadOnlyDictionary<string, string> declared, IReadOnlyDictionary<string, string?> overrides)
    {
        var assembly = BuildOutput.Of(project, project + ".dll");
        var info = DeclaredEnvironment.StartInfo("dotnet", [assembly], declared, overrides);
        info.WorkingDirectory = Path.GetDirectoryName(assembly)!;
        return HostProcess.Start(name, baseAddress, info);
    }

    internal static async Task RunToolAsync(string workingDirectory, IReadOnlyDictionary<string, string> declared, params string[] args)
    {
        var info = DeclaredEnvironment.StartInfo("dotnet", [BuildOutput.Tool, .. args], declared);
        info.WorkingDirectory = workingDirectory;
        await ProcessRunner.RunAsync(info);
    }
}
