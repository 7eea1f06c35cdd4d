using System.Net;
using System.Text.RegularExpressions;
using Ers.Web.Oidc;

namespace Ers.Web.Tests.Oidc;

/// <summary>
/// The CSP <c>form-action</c> of Ers's pages while an application's sign-in waits on the card login: Ers itself and
/// the registered redirect URI of that client, on the two pages whose form resumes it, and nothing else anywhere
/// (the browser's side of it, both response modes in Chromium: tests/Ers.Browser.Tests/ResponseModeTests.cs).
/// </summary>
public sealed partial class OidcFormActionTests(OidcHost host) : IClassFixture<OidcHost>
{
    [Fact]
    public async Task The_login_page_of_a_sign_in_that_waits_allows_forms_to_Ers_and_to_that_clients_registered_redirect_URI_only()
    {
        using var browser = host.NewBrowser();
        var (_, challenge) = OidcHost.Pkce();
        using var waiting = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, extra: "response_mode=query"));
        Assert.Equal(HttpStatusCode.Redirect, waiting.StatusCode);
        var (_, _, sessionId) = await host.StartSessionAsync();

        using var login = await browser.GetAsync(await host.LoginLinkAsync(sessionId));
        using var elsewhere = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("'self' " + OidcHost.RedirectUri, FormAction(login));
        Assert.Equal("'self'", FormAction(elsewhere));
    }

    [Fact]
    public async Task A_remembered_request_naming_a_redirect_URI_the_client_did_not_register_allows_no_form_outside_Ers()
    {
        using var browser = host.NewBrowser();
        // Escaped as ASP.NET Core writes (and reads) a cookie's value.
        browser.Cookies.Add(host.BaseAddress, new Cookie(OidcReturn.CookieName, Uri.EscapeDataString(
            "/connect/authorize?client_id=" + OidcHost.ClientId + "&redirect_uri=" + Uri.EscapeDataString("https://attacker.example.test/cb")))
        {
            Secure = true,
            Path = "/",
        });
        var (_, _, sessionId) = await host.StartSessionAsync();

        using var login = await browser.GetAsync(await host.LoginLinkAsync(sessionId));

        Assert.Equal("'self'", FormAction(login));
    }

    [Fact]
    public async Task The_providers_form_post_page_posts_only_to_the_redirect_URI_it_was_given_and_its_error_page_nowhere()
    {
        using var browser = host.NewBrowser();
        var (_, _, sessionId) = await host.StartSessionAsync();
        using var loggedIn = await browser.LogInAsync(await host.LoginLinkAsync(sessionId));
        var (_, challenge) = OidcHost.Pkce();

        using var formPost = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, extra: "response_mode=form_post"));
        using var refused = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, redirectUri: "https://attacker.example.test/cb"));

        Assert.Equal(HttpStatusCode.OK, formPost.StatusCode);
        Assert.Contains(OidcHost.RedirectUri, await formPost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(OidcHost.RedirectUri, FormAction(formPost));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("'none'", FormAction(refused));
    }

    [Theory]
    [InlineData("https://rp.example.test/signin-oidc?tenant=a", "https://rp.example.test/signin-oidc")]
    [InlineData("https://rp.example.test:8443/a;b,c/cb", "https://rp.example.test:8443/a%3Bb%2Cc/cb")]
    [InlineData("http://127.0.0.1:5090/signin-oidc", "http://127.0.0.1:5090/signin-oidc")]
    [InlineData("http://[::1]:5090/signin-oidc", null)]
    [InlineData("custom-scheme:/cb", null)]
    public void A_redirect_URI_becomes_a_source_without_its_query_and_never_one_that_could_end_the_directive(string redirectUri, string? source) =>
        Assert.Equal(source, OidcFormAction.Source(redirectUri));

    private static string FormAction(HttpResponseMessage response)
    {
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        var match = FormActionDirective().Match(policy);
        Assert.True(match.Success, policy);
        return match.Groups[1].Value.Trim();
    }

    [GeneratedRegex("form-action ([^;]*)")]
    private static partial Regex FormActionDirective();
}
