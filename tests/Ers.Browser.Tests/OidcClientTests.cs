using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel.OidcClient;
using Ers.Tools.Pki;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// A second standard client nobody here wrote, Duende.IdentityModel.OidcClient: it builds the authorization request
/// (code flow, PKCE S256, state, nonce), Chromium does the card login through Playwright, opens the start URL and hands
/// back the callback URL the provider redirected to (OidcClient 7 takes the code in the query; here the card session
/// is live before the start URL, the sign-in that waits for the card is ResponseModeTests'), and the client redeems
/// the code, reads the claims and is refused a refresh once the card session has ended.
/// </summary>
public sealed class OidcClientTests(SampleRpHost host) : IClassFixture<SampleRpHost>
{
    private const string AmeliaHart = "555294209105"; // one role: chosen by itself

    [Fact]
    public async Task OidcClient_signs_in_with_the_card_reads_the_claims_and_is_refused_a_refresh_after_the_card_is_pulled()
    {
        using var trust = ServerCaHandler(host.PkiDirectory);
        var client = new OidcClient(new OidcClientOptions
        {
            Authority = host.BaseAddress.AbsoluteUri,
            ClientId = SampleRpHost.OidcClientId,
            RedirectUri = host.OidcClientRedirectUri.AbsoluteUri,
            Scope = "openid profile selectedrole offline_access",
            BackchannelHandler = trust,
            LoadProfile = false,
        });
        var state = await client.PrepareLoginAsync();
        Assert.Contains("code_challenge_method=S256", state.StartUrl, StringComparison.Ordinal);
        Assert.StartsWith(new Uri(host.BaseAddress, "connect/authorize").AbsoluteUri, state.StartUrl, StringComparison.Ordinal);

        var page = await host.NewPageAsync();
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The provider's redirect to the callback, where nothing listens (a native client's loopback would): a route
        // sees only the first URL of a redirect chain, so the request itself is watched.
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(host.OidcClientRedirectUri.AbsoluteUri, StringComparison.Ordinal))
            {
                callback.TrySetResult(request.Url);
            }
        };
        var card = await host.StartSessionAsync(AmeliaHart);
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        try
        {
            await page.GotoAsync(state.StartUrl);
        }
        catch (Microsoft.Playwright.PlaywrightException) when (callback.Task.IsCompleted)
        {
            // The callback's connection refused, as expected: its URL is what the client needs.
        }

        var response = await callback.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var role = (await card.Session.GetAsync())!.Role!;

        var result = await client.ProcessResponseAsync(response, state);

        Assert.False(result.IsError, result.Error + " " + result.ErrorDescription);
        Assert.Equal(AmeliaHart, result.User.FindFirst("sub")?.Value);
        Assert.Equal("Dr Amelia Hart", result.User.FindFirst("name")?.Value);
        Assert.Equal(role.RoleProfileId, result.User.FindFirst("selected_roleid")?.Value);
        Assert.Equal("AAL3_ANY", result.User.FindFirst("acr")?.Value);
        Assert.False(string.IsNullOrEmpty(result.User.FindFirst("sid")?.Value));
        using (var selected = JsonDocument.Parse(result.User.FindFirst("selected_role")!.Value))
        {
            Assert.Equal(role.OdsCode, selected.RootElement.GetProperty("org_code").GetString());
        }

        Assert.False(string.IsNullOrEmpty(result.RefreshToken));
        var refreshed = await client.RefreshTokenAsync(result.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);

        await card.RemoveAsync();
        var refused = await client.RefreshTokenAsync(refreshed.RefreshToken ?? result.RefreshToken);

        Assert.True(refused.IsError);
        Assert.Equal("invalid_grant", refused.Error);
    }

    /// <summary>The client's back channel (discovery, keys, token endpoint) trusting the test server CA.</summary>
    /// <param name="pkiDirectory">The test PKI whose server CA signed the provider's certificate.</param>
    internal static HttpMessageHandler ServerCaHandler(string pkiDirectory)
    {
        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(DevPki.CertificatePath(pkiDirectory, DevPki.ServerCaName)));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return presented is not null && chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(presented));
        };
        return handler;
    }
}
