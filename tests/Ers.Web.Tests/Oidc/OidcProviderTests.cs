using System.Net;
using System.Text.Json;
using Ers.Web.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ers.Web.Tests.Oidc;

/// <summary>
/// Ers as an OpenID Connect provider on real Kestrel TLS and a real SQLite store: discovery and keys, the code flow
/// with PKCE driven by a card session, the standard refusals (audited), and refresh refused once the card is pulled.
/// </summary>
public sealed class OidcProviderTests(OidcHost host) : IClassFixture<OidcHost>
{
    [Fact]
    public async Task Discovery_names_the_endpoints_S256_only_and_the_JWKS_publishes_every_configured_signing_key()
    {
        using var browser = host.NewBrowser();
        using var discovery = JsonDocument.Parse(await browser.Http.GetStringAsync("/.well-known/openid-configuration"));
        var doc = discovery.RootElement;
        var issuer = doc.GetProperty("issuer").GetString()!;
        Assert.Equal(host.BaseAddress.AbsoluteUri, issuer);
        Assert.Equal(new Uri(host.BaseAddress, "/connect/authorize").AbsoluteUri, doc.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(host.BaseAddress, "/connect/token").AbsoluteUri, doc.GetProperty("token_endpoint").GetString());
        Assert.Equal(["S256"], doc.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("nationalrbacaccess", doc.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["code"], doc.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));

        var jwks = new JsonWebKeySet(await browser.Http.GetStringAsync(doc.GetProperty("jwks_uri").GetString()));
        var expected = OidcKeys.Load([host.SigningKeyPath, host.NextSigningKeyPath]).Select(k => k.KeyId).ToHashSet();
        Assert.Subset(jwks.Keys.Where(k => k.Use == "sig").Select(k => k.Kid).ToHashSet(), expected);
        Assert.All(jwks.Keys, k => Assert.False(k.HasPrivateKey));
    }

    [Fact]
    public async Task A_browser_without_a_session_inserts_the_card_then_gets_a_code_and_tokens_carry_the_CIS2_claims()
    {
        using var browser = host.NewBrowser();
        var (verifier, challenge) = OidcHost.Pkce();
        var authorize = OidcBrowser.AuthorizeUrl(challenge);

        // No session: the "insert your smartcard" page, and the request is remembered.
        using var first = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/", first.Headers.Location!.OriginalString);
        using var insertCard = await browser.GetAsync("/");
        Assert.Contains("Insert your smartcard", await insertCard.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The card login: the login page sends the browser back to the authorization request, which answers at once.
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (card, workstation, sessionId) = await host.StartSessionAsync();
        using var login = await browser.LogInAsync(await host.LoginLinkAsync(sessionId));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var resumed = login.Headers.Location!.OriginalString;
        Assert.StartsWith("/connect/authorize?", resumed, StringComparison.Ordinal);
        using var answer = await browser.GetAsync(resumed);
        var redirect = OidcBrowser.RedirectParameters(answer);
        Assert.Equal("state-1", redirect["state"]);

        var (status, tokens) = await browser.RedeemAsync(redirect["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        var idToken = await ValidateAsync(browser, tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(OidcHost.UserId, idToken.GetClaim("sub").Value);
        Assert.Equal("Dr Rahul Mehta", idToken.GetClaim("name").Value);
        Assert.Equal(OidcHost.RoleProfileId, idToken.GetClaim("selected_roleid").Value);
        Assert.Equal("AAL3_ANY", idToken.GetClaim("acr").Value);
        Assert.Equal(["sc", "pin", "mfa"], idToken.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal("nonce-1", idToken.GetClaim("nonce").Value);
        Assert.Equal(OidcClaims.PublicSessionId(sessionId), idToken.GetClaim("sid").Value);
        Assert.DoesNotContain(idToken.Claims, c => c.Value.Contains(sessionId, StringComparison.Ordinal));
        var authTime = DateTimeOffset.FromUnixTimeSeconds(long.Parse(idToken.GetClaim("auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(authTime, since.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(idToken.EncodedPayload));
        var roles = payload.RootElement.GetProperty("nhsid_nrbac_roles");
        Assert.Equal(["555021935108", "555021935109"], roles.EnumerateArray().Select(r => r.GetProperty("person_roleid").GetString()).Order());
        var selected = payload.RootElement.GetProperty("selected_role");
        Assert.Equal("E82665", selected.GetProperty("org_code").GetString());
        Assert.Equal(["B1101", "B1102"], selected.GetProperty("activity_codes").EnumerateArray().Select(a => a.GetString()));
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("access_token").GetString()));

        // With the live session, the next application's request is answered at once, without a page.
        var (verifier2, challenge2) = OidcHost.Pkce();
        using var again = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge2));
        var second = OidcBrowser.RedirectParameters(again);
        Assert.Equal(HttpStatusCode.OK, (await browser.RedeemAsync(second["code"], verifier2)).Status);

        // Refresh works while the card is in; once it is pulled the session has ended and refresh is refused.
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        var (refreshed, refreshedTokens) = await browser.RefreshAsync(refreshToken);
        Assert.True(refreshed == HttpStatusCode.OK, refreshedTokens.ToString());
        var pulled = DateTimeOffset.UtcNow.AddSeconds(-1);
        await card.RemovedAsync(workstation);
        var (refused, error) = await browser.RefreshAsync(refreshedTokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var record = await host.RefusalAsync("oidc.invalid_grant:" + OidcRefusalAudit.SessionEnded, pulled);
        Assert.Equal(sessionId, record.SessionId);
        Assert.Equal(OidcHost.UserId, record.UserId);
    }

    [Fact]
    public async Task Sixteen_applications_at_once_each_get_a_code_tokens_and_a_refresh_from_the_one_file_store()
    {
        // The embedded run's SQLite store under concurrent writes: each code, redemption and refresh writes to it.
        using var browser = host.NewBrowser();
        var (_, _, sessionId) = await host.StartSessionAsync();
        using var login = await browser.LogInAsync(await host.LoginLinkAsync(sessionId));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var (verifier, challenge) = OidcHost.Pkce();
            using var authorize = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge));
            if (authorize.StatusCode != HttpStatusCode.Redirect)
            {
                return $"authorize {(int)authorize.StatusCode}: {await authorize.Content.ReadAsStringAsync()}";
            }

            var (redeemed, tokens) = await browser.RedeemAsync(OidcBrowser.RedirectParameters(authorize)["code"], verifier);
            if (redeemed != HttpStatusCode.OK)
            {
                return $"redeem {(int)redeemed}: {tokens}";
            }

            var (refreshed, again) = await browser.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
            return refreshed == HttpStatusCode.OK ? "ok" : $"refresh {(int)refreshed}: {again}";
        }));
        Assert.All(answers, a => Assert.Equal("ok", a));
    }

    [Fact]
    public async Task An_unknown_client_and_a_wrong_redirect_uri_are_refused_on_the_page_and_audited()
    {
        using var browser = host.NewBrowser();
        var (_, challenge) = OidcHost.Pkce();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var unknown = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, clientId: "no-such-client"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Null(unknown.Headers.Location);
        Assert.Contains("invalid_request", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await host.RefusalAsync("oidc.invalid_request:ID2052", since);

        using var elsewhere = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, redirectUri: "https://evil.example.test/signin-oidc"));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Null(elsewhere.Headers.Location);
        await host.RefusalAsync("oidc.invalid_request:ID2043", since);
    }

    [Fact]
    public async Task A_request_without_PKCE_is_refused_with_invalid_request_and_a_wrong_verifier_gets_invalid_grant()
    {
        using var browser = host.NewBrowser();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        // Checked before the client is: the redirect URI is not trusted yet, so the answer is the page, not a redirect.
        using var noPkce = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge: ""));
        Assert.Equal(HttpStatusCode.BadRequest, noPkce.StatusCode);
        Assert.Contains("invalid_request", await noPkce.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await host.RefusalAsync("oidc.invalid_request:ID2029", since);

        var (_, _, sessionId) = await LoggedInAsync(browser);
        var (_, challenge) = OidcHost.Pkce();
        using var answer = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge));
        var code = OidcBrowser.RedirectParameters(answer)["code"];
        var (status, error) = await browser.RedeemAsync(code, OidcHost.Pkce().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        await host.RefusalAsync("oidc.invalid_grant", since);
        Assert.False(string.IsNullOrEmpty(sessionId));
    }

    [Fact]
    public async Task Prompt_login_with_a_live_session_asks_for_the_card_again_and_a_later_card_login_answers_it()
    {
        using var browser = host.NewBrowser();
        var (card, workstation, _) = await LoggedInAsync(browser);
        var (verifier, challenge) = OidcHost.Pkce();

        using var first = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, extra: "prompt=login"));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/?login=again", first.Headers.Location!.OriginalString);
        using var page = await browser.GetAsync("/?login=again");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("log in again", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The card is pulled and inserted again: a new session, whose login resumes the request.
        await card.RemovedAsync(workstation);
        var (_, _, sessionId) = await host.StartSessionAsync();
        using var login = await browser.LogInAsync(await host.LoginLinkAsync(sessionId));
        var resumed = login.Headers.Location!.OriginalString;
        Assert.DoesNotContain("prompt=login", resumed, StringComparison.Ordinal);
        using var answer = await browser.GetAsync(resumed);
        var (status, tokens) = await browser.RedeemAsync(OidcBrowser.RedirectParameters(answer)["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        var idToken = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(OidcClaims.PublicSessionId(sessionId), idToken.GetClaim("sid").Value);

        // A forged fresh-login marker is not the server's: the request asks for the card again.
        using var forged = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, extra: "prompt=login&ers_fresh=forged"));
        Assert.Equal("/?login=again", forged.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Prompt_none_without_a_session_answers_login_required_to_the_client()
    {
        using var browser = host.NewBrowser();
        var (_, challenge) = OidcHost.Pkce();
        using var answer = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, extra: "prompt=none"));
        Assert.Equal("login_required", OidcBrowser.RedirectParameters(answer)["error"]);
    }

    [Fact]
    public async Task An_application_registered_with_ers_oidc_add_is_listed_and_served_by_the_running_node()
    {
        using var browser = host.NewBrowser();
        var (_, challenge) = OidcHost.Pkce();
        var url = OidcBrowser.AuthorizeUrl(challenge, scope: "openid profile", clientId: "added-app", redirectUri: "https://added.example.test/cb");
        using (var before = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var store = host.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OidcOptions>>().Value.SqlitePath!;
        var context = new Ers.Tools.Commands.CommandContext(output, error, TimeProvider.System);
        Assert.Equal(0, await Ers.Tools.Commands.CommandDispatcher.RunAsync(
            ["oidc", "add", "--client-id", "added-app", "--redirect-uri", "https://added.example.test/cb",
             "--backchannel-logout-uri", "https://added.example.test/logout", "--scope", "profile", "--sqlite", store], context));
        Assert.Equal(0, await Ers.Tools.Commands.CommandDispatcher.RunAsync(["oidc", "list", "--sqlite", store], context));
        Assert.Contains("added-app\tredirect: https://added.example.test/cb\tback-channel logout: https://added.example.test/logout\tscopes: openid profile", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(OidcHost.ClientId + "\t", output.ToString(), StringComparison.Ordinal);

        // Known now: no session in this browser, so the insert-card page.
        using var after = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/", after.Headers.Location!.OriginalString);

        // A wrong address is refused before anything is stored.
        Assert.Equal(2, await Ers.Tools.Commands.CommandDispatcher.RunAsync(
            ["oidc", "add", "--client-id", "bad-app", "--redirect-uri", "http://bad.example.test/cb", "--sqlite", store], context));
        Assert.Contains("http only on the loopback", error.ToString(), StringComparison.Ordinal);
    }

    private async Task<(Ers.Cards.ICardGrain Card, string WorkstationId, string SessionId)> LoggedInAsync(OidcBrowser browser)
    {
        var session = await host.StartSessionAsync();
        using var login = await browser.LogInAsync(await host.LoginLinkAsync(session.SessionId));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return session;
    }

    private async Task<JsonWebToken> ValidateAsync(OidcBrowser browser, string token)
    {
        var jwks = new JsonWebKeySet(await browser.Http.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = host.BaseAddress.AbsoluteUri,
            ValidAudience = OidcHost.ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        // The first configured key signs; the second is only published (a rotation in progress).
        Assert.Equal(OidcKeys.Load([host.SigningKeyPath]).Single().KeyId, jwt.Kid);
        return jwt;
    }
}
