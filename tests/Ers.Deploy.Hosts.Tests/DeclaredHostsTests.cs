using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ers.Api;
using Ers.Audit.Postgres;
using Ers.Testing;
using Ers.Testing.Silos;
using Microsoft.Extensions.DependencyInjection;
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
    [Fact]
    public async Task Silos_and_web_started_with_their_declared_environment_become_ready_serve_agents_and_log_users_in()
    {
        var watch = Stopwatch.StartNew();
        await using var pods = await DeclaredPods.StartAsync("ers-deploy-hosts-");
        try
        {
            // Two silo pods, one web pod.
            pods.StartSilo(0);
            pods.StartSilo(1);
            var web = pods.StartWeb("ers-web-0");
            await pods.WaitReadyAsync();

            output.WriteLine($"all three hosts ready after {watch.Elapsed.TotalSeconds:0.0} s");
            var code = await AssertAgentApiAuthenticatesTheForwardedWorkstationAndAuditsItsRefusalAsync(pods, web);
            output.WriteLine($"agent API refused the card with {code}");
            await AssertALoginThroughTheClusterWorksAsync(web);
            output.WriteLine($"login through the cluster done after {watch.Elapsed.TotalSeconds:0.0} s");
            await AssertTheHostsRoleCannotRewriteTheTrailAsync(pods.HostsConnection);

            // What the hosts wrote is chained with the declared key: `ers audit verify`, as an auditor runs it with the
            // hosts' credential and key, finds it intact.
            var auditor = pods.Resolve("ers-silo", "silo", "auditor", "127.0.0.6")
                .Where(e => e.Key is "ConnectionStrings__Audit" or "Ers__Audit__ChainKey").ToDictionary();
            Assert.Equal(2, auditor.Count);
            await DeclaredPods.RunToolAsync(pods.Work, auditor, "audit", "verify");
            output.WriteLine($"done after {watch.Elapsed.TotalSeconds:0.0} s");
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw pods.WithOutputs(e);
        }
    }

    private static async Task<string> AssertAgentApiAuthenticatesTheForwardedWorkstationAndAuditsItsRefusalAsync(DeclaredPods pods, Pod web)
    {
        await using var audit = pods.Postgres.CreateDataSource();
        var before = await AuditCountAsync(audit);
        // 'ers pki dev' issues this workstation's certificate by default.
        var workstationPem = await File.ReadAllTextAsync(Path.Combine(pods.Pki, "workstations", "WS-DEV-0001.crt.pem"));
        using var notACard = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(workstationPem);
        // As ingress-nginx reaches the pod: TLS to the ingress port, presenting the ingress's client certificate.
        using var http = pods.IngressClient(web);
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

    private static async Task AssertALoginThroughTheClusterWorksAsync(Pod web)
    {
        using var host = DeclaredPods.ClusterClientOf(web);
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
}
