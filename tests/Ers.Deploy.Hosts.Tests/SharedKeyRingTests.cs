using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ers.Cards;
using Ers.Deploy.Tests;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Servers;
using Ers.Testing.Silos;
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
        await using var pods = await DeclaredPods.StartAsync("ers-keyring-");
        try
        {
            pods.StartSilo(0);
            pods.StartSilo(1);
            Pod[] webs = [pods.StartWeb("ers-web-a"), pods.StartWeb("ers-web-b")];
            await pods.WaitReadyAsync();

            var token = await LogInAtGrainLevelAsync(webs[0], pods.Secrets[DeclaredEnvironment.SecretName][DeclaredEnvironment.TokenSigningKey]);
            using var nodeA = new Browser(pods, webs[0]);
            using var nodeB = new Browser(pods, webs[1]);

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

            await AssertTheRingIsInRedisAndEncryptedAsync(pods.Redis, webs[0].Environment["Ers__Cluster__ServiceId"]);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw pods.WithOutputs(e);
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
    private static async Task<string> LogInAtGrainLevelAsync(Pod web, string tokenKey)
    {
        using var host = DeclaredPods.ClusterClientOf(web);
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
            var started = await card.LogInAsync("ws-keyring", userId);
            Assert.Null(started.Refusal);
            var sessionId = started.Value!.SessionId;
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
    private sealed class Browser(DeclaredPods pods, Pod web) : IDisposable
    {
        private readonly HttpClient _http = pods.IngressClient(web);

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
