using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Api;
using Ers.SingleSignOn;
using Ers.Staff;
using Ers.Testing;
using Ers.Testing.Browsers;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Ers.Testing.Silos;
using Ers.Tools.Pki;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Ers.Cluster.Tests.MultiNode;

/// <summary>
/// Back-channel logout in the cluster the manifests describe (issue 17): two Ers.Web processes sharing the OpenID
/// Connect store in PostgreSQL, three Ers.Silo processes, an application signed into through node A whose code node B
/// redeems, and the card session ended through node B. What the product promises, and what is asserted: the
/// application's back-channel endpoint (a real HTTP listener) receives a valid logout token within 2 s of the end,
/// exactly one POST when no silo dies; when the silo sending it is killed before the application's answer reached it,
/// the logout is sent again from another silo with the same <c>jti</c>: at least once, and never two different logouts
/// for one session and application (src/Ers.Grains/SingleSignOn/BackChannelLogoutGrain.cs).
/// </summary>
public sealed class BackChannelLogoutClusterTests(ITestOutputHelper output)
{
    private const string ClientId = "cluster-rp";
    private const string Issuer = "https://ers.example.test/";
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    // The issue's promise: the application is told within 2 s of the session's end, whatever ended it.
    private static readonly TimeSpan LogoutBound = TimeSpan.FromSeconds(2);

    // After a SIGKILL: membership declares the silo dead (1 s probes, 2 missed: src/Ers.Cluster/ClusterHosting.cs), the
    // sweeper drains its index entries (src/Ers.Cluster/Sessions/SessionSweeper.cs) and the grain resumes elsewhere.
    private static readonly TimeSpan AfterKillBound = TimeSpan.FromSeconds(30);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task An_application_signed_into_through_one_web_node_is_told_once_when_the_session_ends_through_the_other_and_again_with_the_same_jti_when_the_sending_silo_is_killed()
    {
        await using var receiver = new LogoutReceiver();
        receiver.Start();
        var redirectUri = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/signin-oidc";
        await using var stack = await WebCluster.StartAsync("ers-bcl-cluster-", silos: 3,
            pki => new ErsSettings()
                .TrustPki(pki.Directory)
                .Set("Ers:Oidc:SigningKeyFiles:0", Path.Combine(pki.Directory, DevPki.OidcSigningKeyFile))
                // A held answer must outlast the kill, not time out into a retry of the silo that is about to die.
                .Set("Ers:Oidc:BackChannelLogout:RequestTimeout", "00:01:00")
                .ToDictionary(e => e.Key, e => e.Value),
            web => new ErsSettings()
                .Oidc(web.Pki.Directory, web.Work, web.Cluster.Postgres.ConnectionString)
                // Behind one ingress every node is the same issuer; a code issued by A is redeemed at B.
                .Set("Ers:Oidc:Issuer", Issuer)
                .Set("Ers:Oidc:Clients:0:ClientId", ClientId)
                .Set("Ers:Oidc:Clients:0:RedirectUris:0", redirectUri)
                .Set("Ers:Oidc:Clients:0:BackChannelLogoutUri", receiver.Uri)
                .Set("Ers:Oidc:Clients:0:Scopes:0", "profile")
                .ToDictionary(e => e.Key, e => e.Value),
            "web-a", "web-b");
        var (cluster, pki) = (stack.Cluster, stack.Pki);
        try
        {
            var (nodeA, nodeB) = (stack.Webs[0], stack.Webs[1]);
            Log("three silos and two web nodes ready");
            var grains = await cluster.ConnectClientAsync(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10));
            var serverCa = stack.ServerCa();
            using var http = TrustingClient(serverCa);
            var keys = new JsonWebKeySet(await http.GetStringAsync(new Uri(nodeB.PagesUrl, "/.well-known/jwks"))).GetSigningKeys();
            await using var chromium = await ChromiumBrowser.LaunchAsync();
            var agents = stack.AgentUrls;

            // 1. Signed in through node A, logged out through node B: one POST, a valid token, within 2 s.
            var logoutUser = await ClusterStaff.ImportAsync(grains, "Logout User", "B1101");
            await using var logoutDesk = new Workstation(agents, pki.IssueWorkstation("WS-BCL-0001"), serverCa);
            var logoutLogin = await logoutDesk.LogInAsync(ClusterStaff.IssueCard(pki, logoutUser), node: 0);
            logoutDesk.Hold(logoutLogin);
            var logoutSession = await cluster.LatestSessionOfAsync(logoutUser.UserId);
            var logoutSid = await SignInAsync(chromium, http, keys, logoutDesk, logoutLogin, nodeA, nodeB, redirectUri, logoutUser);
            Log("signed into the application through node A, its code redeemed at node B");

            var ending = Stopwatch.StartNew();
            await logoutDesk.LogOutAsync(logoutLogin, node: 1);
            var token = await receiver.NextAsync(LogoutBound - ending.Elapsed);
            var told = ending.Elapsed;
            Log($"logout through node B: the application told after {told.TotalMilliseconds:0} ms");
            var jwt = await ValidLogoutAsync(token, keys, logoutUser.UserId, logoutSid);
            Assert.True(told <= LogoutBound, $"told after {told.TotalMilliseconds:0} ms");
            var delivered = await DeliveredAsync(grains, logoutSession);
            Assert.Equal((1, jwt.Id), (delivered.Attempts, delivered.TokenId));
            Assert.Equal(1, await AuditCountAsync(cluster, "BackChannelLogoutDelivered", logoutSession));
            // Written down as delivered: nothing sends it again, from any silo or web node.
            Assert.Equal(new[] { token }, receiver.Received.ToArray());

            // 2. The card pulled (told to node B) while the application holds its answer; the silo sending it is
            // killed: another silo sends the same logout again, same jti, and writes it down once.
            var killUser = await ClusterStaff.ImportAsync(grains, "Kill User", "B1101");
            await using var killDesk = new Workstation(agents, pki.IssueWorkstation("WS-BCL-0002"), serverCa);
            var killCard = ClusterStaff.IssueCard(pki, killUser);
            var killLogin = await killDesk.LogInAsync(killCard, node: 0);
            killDesk.Hold(killLogin);
            var killSession = await cluster.LatestSessionOfAsync(killUser.UserId);
            var killSid = await SignInAsync(chromium, http, keys, killDesk, killLogin, nodeA, nodeB, redirectUri, killUser);
            var held = receiver.HoldNextAnswer();

            ending.Restart();
            await killDesk.RemoveCardAsync(killCard, node: 1);
            var first = await receiver.NextAsync(LogoutBound - ending.Elapsed);
            Log($"card pulled through node B: the application has the token after {ending.Elapsed.TotalMilliseconds:0} ms, its answer held");
            var firstJwt = await ValidLogoutAsync(first, keys, killUser.UserId, killSid);
            var sender = await cluster.SiloHostingAsync(grains, grains.GetGrain<IBackChannelLogoutGrain>(killSession));
            await sender.KillAsync();
            cluster.Forget(sender);
            var killed = Stopwatch.StartNew();
            held.SetResult();
            Log($"SIGKILL of {sender.Name}, which was sending it");

            var again = await receiver.NextAsync(AfterKillBound);
            Log($"sent again {killed.Elapsed.TotalSeconds:0.0} s after the kill");
            var againJwt = await ValidLogoutAsync(again, keys, killUser.UserId, killSid);
            Assert.Equal(firstJwt.Id, againJwt.Id);
            var redelivered = await DeliveredAsync(grains, killSession);
            Assert.Equal(firstJwt.Id, redelivered.TokenId);
            Assert.Equal(1, await AuditCountAsync(cluster, "BackChannelLogoutDelivered", killSession));
            Assert.Equal(new[] { token, first, again }, receiver.Received.ToArray());
            Assert.Equal(2, receiver.Received.Select(t => new JsonWebToken(t).Id).Distinct().Count());
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw stack.WithOutputs(e);
        }
    }

    /// <summary>
    /// The browser logs in with the card at node A, the application's authorization request goes to node A (a live
    /// session: a code at once), and the code is redeemed at node B; answers the id token's <c>sid</c>.
    /// </summary>
    private async Task<string> SignInAsync(ChromiumBrowser chromium, HttpClient http, IList<SecurityKey> keys, Workstation desk,
        SessionResponse login, WebNodeProcess nodeA, WebNodeProcess nodeB, string redirectUri, StaffUser user)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync((await desk.LoginLinkAsync(login, node: 0)).ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));

        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Nothing listens at the redirect URI: the request to it carries the code.
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(redirectUri, StringComparison.Ordinal))
            {
                callback.TrySetResult(request.Url);
            }
        };
        var authorize = new Uri(nodeA.PagesUrl, "/connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid profile",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = "state-" + user.UserId,
            ["nonce"] = "nonce-" + user.UserId,
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));
        try
        {
            await page.GotoAsync(authorize.ToString());
        }
        catch (PlaywrightException) when (callback.Task.IsCompleted)
        {
            // The redirect URI's connection refused, as expected.
        }

        var code = System.Web.HttpUtility.ParseQueryString(new Uri(await callback.Task.WaitAsync(TimeSpan.FromSeconds(30))).Query)["code"];
        Assert.False(string.IsNullOrEmpty(code));
        await page.CloseAsync();

        using var redeemed = await http.PostAsync(new Uri(nodeB.PagesUrl, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = ClientId,
            ["code_verifier"] = verifier,
        }));
        var body = await redeemed.Content.ReadAsStringAsync();
        Assert.True(redeemed.IsSuccessStatusCode, body);
        using var tokens = JsonDocument.Parse(body);
        var idToken = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.RootElement.GetProperty("id_token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = ClientId,
            IssuerSigningKeys = keys,
        });
        Assert.True(idToken.IsValid, idToken.Exception?.Message);
        var sid = ((JsonWebToken)idToken.SecurityToken).GetClaim("sid").Value;
        Assert.False(string.IsNullOrEmpty(sid));
        return sid;
    }

    /// <summary>A logout token as the spec has an application check it: signature, typ, iss, aud, sub, sid, events, no nonce.</summary>
    private static async Task<JsonWebToken> ValidLogoutAsync(string token, IList<SecurityKey> keys, string userId, string sid)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = ClientId,
            IssuerSigningKeys = keys,
            ValidTypes = ["logout+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal((userId, sid), (jwt.Subject, jwt.GetClaim("sid").Value));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.False(jwt.TryGetPayloadValue<object>("nonce", out _));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        Assert.Equal(JsonValueKind.Object, payload.RootElement.GetProperty("events").GetProperty(LogoutEvent).ValueKind);
        return jwt;
    }

    private static async Task<LogoutDelivery> DeliveredAsync(IClusterClient grains, string sessionId)
    {
        var logout = grains.GetGrain<IBackChannelLogoutGrain>(sessionId);
        LogoutDelivery? delivery = null;
        await Eventually.TrueAsync(async () => (delivery = (await logout.GetDeliveriesAsync()).SingleOrDefault()) is { State: LogoutDeliveryState.Delivered },
            "the delivery written down as delivered", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        return delivery!;
    }

    private static HttpClient TrustingClient(X509Certificate2 serverCa) =>
        new(new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { serverCa },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        })
        { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>How many records of the event the session has, once it has one (the trail is written beside the state).</summary>
    private static async Task<long> AuditCountAsync(ErsCluster cluster, string auditEvent, string sessionId)
    {
        long count = 0;
        await Eventually.TrueAsync(async () => (count = await cluster.AuditCountAsync(auditEvent, sessionId)) > 0,
            $"a {auditEvent} record", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        return count;
    }

    private void Log(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
}
