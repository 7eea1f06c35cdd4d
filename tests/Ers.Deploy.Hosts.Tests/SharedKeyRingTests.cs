using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ers.Audit.Postgres;
using Ers.Cards;
using Ers.Deploy.Tests;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing;
using Ers.Testing.Processes;
using Ers.Testing.Servers;
using Ers.Web.Browser;
using Ers.Web.Security;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Ers.Deploy.Hosts.Tests;

/// <summary>
/// Two web pods behind one ingress share a browser: two real Ers.Web processes, cluster clients of two real silos on
/// a real Redis, each started with the environment the web Deployment declares. A session cookie and an antiforgery
/// token issued by node A are accepted by node B (a page view and a form post), because both read one key ring in
/// Redis, and that ring holds its keys only encrypted.
/// </summary>
public sealed partial class SharedKeyRingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_cookie_and_an_antiforgery_token_issued_by_one_web_node_are_accepted_by_the_other()
    {
        var manifests = Kustomize.Render(Kustomize.Base);
        var work = Directory.CreateTempSubdirectory("ers-keyring-").FullName;
        var redisTask = RedisServer.StartAsync();
        var postgresTask = PostgresServer.StartAsync();
        await using var redis = await redisTask;
        await using var postgres = await postgresTask;
        var hosts = new List<HostProcess>();
        try
        {
            var secrets = DeclaredEnvironment.ErsSecrets(redis.ConnectionString, postgres.ConnectionString);
            var pki = Path.Combine(work, "pki");
            var migrate = DeclaredHostsTests.RunToolAsync(work, new Dictionary<string, string>(), "pki", "dev", "--out", pki);
            await using (var audit = PostgresAuditTrail.CreateDataSource(postgres.ConnectionString))
            {
                await new AuditSchemaMigrator(audit).MigrateAsync();
            }

            await migrate;
            var dataProtectionKey = Path.Combine(work, "data-protection-key");
            await File.WriteAllTextAsync(dataProtectionKey, secrets[DeclaredEnvironment.SecretName][DeclaredEnvironment.DataProtectionKey]);

            for (var i = 0; i < 2; i++)
            {
                var ip = $"127.0.0.{2 + i}";
                var declared = DeclaredEnvironment.Resolve(manifests, "ers-silo", "silo",
                    new EnvironmentSources { Secrets = secrets, Fields = EnvironmentSources.PodFields($"ers-silo-{i}", ip) });
                var http = FreePort.Next();
                var siloOverrides = new Dictionary<string, string?>
                {
                    ["Urls"] = $"http://{ip}:{http}",
                    ["Ers__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                    ["Ers__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                    // The silo owns revocation: it reads the CAs and the workstation CRL (the dev PKI's stand-ins).
                    ["Ers__CardAuthentication__TrustedRoots__0"] = Path.Combine(pki, "smartcard-root-ca.crt.pem"),
                    ["Ers__CardAuthentication__IntermediateCertificates__0"] = Path.Combine(pki, "smartcard-issuing-ca.crt.pem"),
                    ["Ers__Workstations__TrustedRoots__0"] = Path.Combine(pki, "workstation-ca.crt.pem"),
                    ["Ers__Workstations__CrlSources__0"] = Path.Combine(pki, "crl", "workstation-ca.crl"),
                };
                DeclaredHostsTests.ReplaceMountedFiles(declared, siloOverrides, DeclaredHostsTests.ClusterTlsStandIns(pki));
                hosts.Add(DeclaredHostsTests.Start($"ers-silo-{i}", "Ers.Silo", new Uri($"http://{ip}:{http}"), declared, siloOverrides));
            }

            IReadOnlyDictionary<string, string> webDeclared = new Dictionary<string, string>();
            IReadOnlyDictionary<string, string?> webOverrides = new Dictionary<string, string?>();
            var webs = new List<HostProcess>();
            foreach (var name in new[] { "ers-web-a", "ers-web-b" })
            {
                webDeclared = DeclaredEnvironment.Resolve(manifests, "ers-web", "web",
                    new EnvironmentSources { Secrets = secrets, Fields = EnvironmentSources.PodFields(name, "127.0.0.4") });
                var port = FreePort.Next();
                var operationsPort = FreePort.Next();
                var overrides = new Dictionary<string, string?>
                {
                    ["Urls"] = $"http://127.0.0.1:{operationsPort}",
                    ["Ers__Operations__Port"] = operationsPort.ToString(CultureInfo.InvariantCulture),
                    // The ingress port, which ingress-nginx reaches over mutual TLS (this test's Browser does the same).
                    ["Ers__Ingress__HttpsUrl"] = $"https://127.0.0.1:{port}",
                    ["Ers__CardAuthentication__TrustedRoots__0"] = Path.Combine(pki, "smartcard-root-ca.crt.pem"),
                    ["Ers__CardAuthentication__IntermediateCertificates__0"] = Path.Combine(pki, "smartcard-issuing-ca.crt.pem"),
                    ["Ers__Workstations__TrustedRoots__0"] = Path.Combine(pki, "workstation-ca.crt.pem"),
                    ["Ers__Workstations__CrlSources__0"] = Path.Combine(pki, "crl", "workstation-ca.crl"),
                    ["Ers__Web__Browser__DataProtectionKeyFile"] = dataProtectionKey,
                };
                foreach (var (setting, file) in new[] { ("ServerCertificatePath", "tls.crt"), ("ServerCertificateKeyPath", "tls.key"), ("ClientCaPath", "ingress-ca.crt") })
                {
                    overrides[$"Ers__Ingress__{setting}"] = DeclaredHostsTests.IngressTlsStandIns(pki)[$"/etc/ers/ingress-tls/{file}"];
                }

                foreach (var (setting, file) in new[] { ("CertificatePath", "tls.crt"), ("KeyPath", "tls.key"), ("CaPath", "ca.crt") })
                {
                    overrides[$"Ers__Cluster__Tls__{setting}"] = DeclaredHostsTests.ClusterTlsStandIns(pki)[$"/etc/ers/cluster-tls/{file}"];
                }

                webOverrides = overrides;
                Assert.All(overrides.Keys, k => Assert.True(webDeclared.ContainsKey(k), $"{k} is not declared by the web Deployment"));
                var web = DeclaredHostsTests.Start(name, "Ers.Web", new Uri($"https://127.0.0.1:{port}"), webDeclared, overrides);
                web.OperationsAddress = new Uri($"http://127.0.0.1:{operationsPort}");
                hosts.Add(web);
                webs.Add(web);
            }

            foreach (var host in hosts)
            {
                await host.WaitHealthyAsync("startup", TimeSpan.FromSeconds(90));
                await host.WaitHealthyAsync("ready", TimeSpan.FromSeconds(60));
            }

            var token = await LogInAtGrainLevelAsync(DeclaredHostsTests.WithOverrides(webDeclared, webOverrides), secrets[DeclaredEnvironment.SecretName][DeclaredEnvironment.TokenSigningKey]);
            using var nodeA = new Browser(webs[0].BaseAddress!, pki);
            using var nodeB = new Browser(webs[1].BaseAddress!, pki);

            // Node A renders the login link's page (its antiforgery cookie and token); node B redeems the link with
            // them and sets the session cookie.
            var loginPath = $"/login?ticket={Uri.EscapeDataString(token)}";
            string loginForm;
            using (var page = await nodeA.GetAsync(loginPath))
            {
                loginForm = await page.Content.ReadAsStringAsync();
                Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode}: {loginForm}");
            }

            var loginToken = RequestVerificationToken().Match(loginForm);
            Assert.True(loginToken.Success, "no antiforgery token in the login form");
            nodeB.Cookies = nodeA.Cookies;
            using (var login = await nodeB.PostAsync(loginPath, new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(loginToken.Groups["token"].Value),
            }))
            {
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
                Assert.Equal("/business-function", login.Headers.Location?.OriginalString);
            }

            nodeA.Cookies = nodeB.Cookies;
            Assert.Contains(BrowserSession.CookieName, nodeA.Cookies.Keys);

            // Node A renders the form (antiforgery cookie and token); node B accepts its post.
            string form;
            using (var page = await nodeA.GetAsync("/business-function"))
            {
                form = await page.Content.ReadAsStringAsync();
                Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode}: {form}");
            }

            var antiforgery = RequestVerificationToken().Match(form);
            Assert.True(antiforgery.Success, "no antiforgery token in the form");
            nodeB.Cookies = nodeA.Cookies;

            // The same post with a forged token is refused by node B: the check below is the key ring's, not a no-op.
            using (var forged = await nodeB.PostAsync("/business-function", new Dictionary<string, string>
            {
                ["function"] = nameof(BusinessFunction.ReferringClinician),
                ["__RequestVerificationToken"] = "CfDJ8" + new string('A', 100),
            }))
            {
                Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            }

            using (var post = await nodeB.PostAsync("/business-function", new Dictionary<string, string>
            {
                ["function"] = nameof(BusinessFunction.ReferringClinician),
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups["token"].Value),
            }))
            {
                var body = await post.Content.ReadAsStringAsync();
                Assert.True(post.StatusCode == HttpStatusCode.Redirect, $"node B refused node A's form: {(int)post.StatusCode}: {body}");
                Assert.Equal("/home", post.Headers.Location?.OriginalString);
            }

            // Page views on node B with node A's cookie: the homepage sends a referring clinician to the referrer page.
            using (var home = await nodeB.GetAsync("/home"))
            {
                Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
                Assert.Equal("/referrer", home.Headers.Location?.OriginalString);
            }

            using (var home = await nodeB.GetAsync("/referrer"))
            {
                var body = await home.Content.ReadAsStringAsync();
                Assert.True(home.StatusCode == HttpStatusCode.OK, $"node B refused node A's cookie: {(int)home.StatusCode}: {body}");
                Assert.Contains("Referring Clinician", body);
            }

            await AssertTheRingIsInRedisAndEncryptedAsync(redis, webDeclared["Ers__Cluster__ServiceId"]);
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

    private async Task AssertTheRingIsInRedisAndEncryptedAsync(RedisServer redis, string serviceId)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var elements = await connection.GetDatabase().ListRangeAsync(DataProtectionKeyRing.RedisKey(serviceId));
        output.WriteLine($"key ring in Redis: {elements.Length} element(s)");
        Assert.NotEmpty(elements);
        Assert.All(elements, element =>
        {
            var xml = element.ToString();
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.Contains(typeof(AesGcmXmlDecryptor).FullName!, xml, StringComparison.Ordinal);
            // The unencrypted form of a key is <masterKey ...><value>base64</value></masterKey>.
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
        });
    }

    /// <summary>A user with one role of two business functions logs in as the agents' API would; returns the login link's token.</summary>
    private static async Task<string> LogInAtGrainLevelAsync(IReadOnlyDictionary<string, string> webDeclared, string tokenKey)
    {
        using var host = DeclaredHostsTests.ClusterClientFor(webDeclared);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var userId = "5550" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
            var role = "7770" + userId[4..];
            await grains.GetGrain<IUserGrain>(userId).ImportAsync(new StaffUser(userId, "Key Ring Test",
                [new RoleProfile(role, "RYY", "Test Trust", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1101", "B1110"])]));
            var cardId = $"card-{Guid.NewGuid():N}";
            var card = grains.GetGrain<ICardGrain>(cardId);
            Assert.Null((await card.InsertedAsync("ws-keyring")).Refusal);
            var sessionId = Guid.NewGuid().ToString("N");
            Assert.Null((await card.StartSessionAsync("ws-keyring", userId, sessionId)).Refusal);
            // The user's one role is chosen automatically; its two business functions make the next page a form.
            var session = grains.GetGrain<ISessionGrain>(sessionId);
            Assert.Equal(SessionState.Active, (await session.GetAsync())?.State);
            var ticket = await session.IssueBrowserTicketAsync();
            Assert.Null(ticket.Refusal);
            var tokens = new BrowserTicketTokens(new TokenProtector([Convert.FromBase64String(tokenKey)], "browser-ticket"), TimeProvider.System);
            return tokens.Protect(sessionId, ticket.Value!.TicketId, ticket.Value.ExpiresAt);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex RequestVerificationToken();

    /// <summary>What ingress-nginx sends a web pod for one browser: its cookies, over mutual TLS to the ingress port.</summary>
    private sealed class Browser(Uri baseAddress, string pki) : IDisposable
    {
        private readonly HttpClient _http = new(DeclaredHostsTests.IngressHandler(pki))
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        public Dictionary<string, string> Cookies { get; set; } = [];

        public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

        public Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form) =>
            SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            using (request)
            {
                if (Cookies.Count > 0)
                {
                    request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
                }

                var response = await _http.SendAsync(request);
                foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
                {
                    var pair = header.Split(';', 2)[0].Split('=', 2);
                    Cookies = new Dictionary<string, string>(Cookies) { [pair[0]] = pair[1] };
                }

                return response;
            }
        }

        public void Dispose() => _http.Dispose();
    }
}
