using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Ers.Web.Tests.Oidc;

/// <summary>
/// A browser as far as the protocol sees one: its own cookie jar, redirects followed by the test one at a time, and
/// the test server CA trusted. It logs in with a login link as a clinician's browser does (GET, then the form's POST
/// with its anti-forgery token), and plays the relying party's back channel (the token endpoint) too.
/// </summary>
public sealed partial class OidcBrowser : IDisposable
{
    private readonly HttpClient _http;

    public OidcBrowser(OidcHost host)
    {
        var serverCa = X509Certificate2.CreateFromPem(File.ReadAllText(host.ServerCaPath));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = Cookies,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                {
                    if (presented is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(serverCa);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(presented)) && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                },
            },
        };
        _http = new HttpClient(handler) { BaseAddress = host.BaseAddress };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http => _http;

    /// <summary>The authorization request of the test client, with PKCE unless <paramref name="challenge"/> is empty.</summary>
    public static string AuthorizeUrl(string challenge, string scope = "openid profile selectedrole nationalrbacaccess offline_access",
        string clientId = OidcHost.ClientId, string redirectUri = OidcHost.RedirectUri, string? extra = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = "state-1",
            ["nonce"] = "nonce-1",
        };
        if (challenge.Length > 0)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = "S256";
        }

        return QueryHelpers.AddQueryString("/connect/authorize", query) + (extra is null ? "" : "&" + extra);
    }

    public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

    /// <summary>Opens the login link and continues as the page's form does; answers the POST's response (a redirect).</summary>
    public async Task<HttpResponseMessage> LogInAsync(string loginLink)
    {
        var page = await _http.GetAsync(loginLink);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, "the login page has its form with an anti-forgery token");
        return await _http.PostAsync(loginLink, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        }));
    }

    /// <summary>The code (and state) in a redirect to the client, or the error it carries.</summary>
    public static Dictionary<string, string> RedirectParameters(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"{(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        var location = response.Headers.Location!;
        Assert.StartsWith(OidcHost.RedirectUri + "?", location.AbsoluteUri, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <summary>The token endpoint, as the relying party's server calls it.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        // An answer that is not JSON is itself the failure: say what came back rather than a parser's complaint.
        Assert.True(text.Length > 0 && text[0] == '{', $"token endpoint answered {(int)response.StatusCode} with '{text}' ({response.Content.Headers.ContentType})");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code, string verifier) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = OidcHost.RedirectUri,
            ["client_id"] = OidcHost.ClientId,
            ["code_verifier"] = verifier,
        });

    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = OidcHost.ClientId,
        });

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
