using System.Text.RegularExpressions;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// An application's sign-in that has to wait for the card (no session in the browser yet) resumes after the card login
/// with the code in either response mode: <c>query</c> (a redirect on from the login page's form submission, which the
/// login pages' CSP <c>form-action</c> must let through to that client's registered redirect URI) and
/// <c>form_post</c> (the provider's page posting the code there); resumed from the login page (one role) and from the
/// role page (two roles). Driven by Duende.IdentityModel.OidcClient, which checks the answer as an application would.
/// </summary>
public sealed class ResponseModeTests(SampleRpHost host) : IClassFixture<SampleRpHost>
{
    private const string AmeliaHart = "555294209105";  // one role: chosen by itself, resumed from the login page
    private const string RahulMehta = "555294209106";  // two roles: resumed from the role page
    private const string RahulReferrerRoleLabel = "Clinical Practitioner Access Role at Riverside Surgery (E82665)";

    [Theory]
    [InlineData("query", AmeliaHart)]
    [InlineData("form_post", AmeliaHart)]
    [InlineData("query", RahulMehta)]
    [InlineData("form_post", RahulMehta)]
    public async Task A_sign_in_that_waited_for_the_card_login_resumes_with_the_code_in_the_response_mode_asked(string responseMode, string userId)
    {
        using var trust = OidcClientTests.ServerCaHandler(host.PkiDirectory);
        var client = new OidcClient(new OidcClientOptions
        {
            Authority = host.BaseAddress.AbsoluteUri,
            ClientId = SampleRpHost.OidcClientId,
            RedirectUri = host.OidcClientRedirectUri.AbsoluteUri,
            Scope = "openid profile",
            BackchannelHandler = trust,
            LoadProfile = false,
        });
        var state = await client.PrepareLoginAsync(new Parameters { { "response_mode", responseMode } });
        var page = await host.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Nothing listens at the redirect URI: the browser's request to it is the answer (its URL, or its form).
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(host.OidcClientRedirectUri.AbsoluteUri, StringComparison.Ordinal))
            {
                callback.TrySetResult(request.Method == "POST" ? request.PostData ?? "" : request.Url);
            }
        };

        await page.GotoAsync(state.StartUrl);
        await Expect(page.Locator("main")).ToContainTextAsync("Insert your smartcard");
        var card = await host.StartSessionAsync(userId);
        try
        {
            await page.GotoAsync(await card.LoginLinkAsync(), new() { WaitUntil = WaitUntilState.Commit });
            if (userId == RahulMehta)
            {
                await Expect(page).ToHaveURLAsync(new Regex("/role$"));
                await page.GetByLabel(RahulReferrerRoleLabel).CheckAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
            }
        }
        catch (PlaywrightException) when (callback.Task.IsCompleted)
        {
            // The redirect URI's connection refused, as expected.
        }

        var answer = await callback.Task.WaitAsync(TimeSpan.FromSeconds(30))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new Xunit.Sdk.XunitException(
                $"no answer reached the redirect URI; the page is at {page.Url}; CSP reports: {string.Join(" | ", blocked)}"), TaskScheduler.Default);
        Assert.Equal(responseMode == "query", answer.StartsWith(host.OidcClientRedirectUri.AbsoluteUri + "?", StringComparison.Ordinal));

        var result = await client.ProcessResponseAsync(answer, state);

        Assert.False(result.IsError, result.Error + " " + result.ErrorDescription);
        Assert.Equal(userId, result.User.FindFirst("sub")?.Value);
        Assert.Empty(blocked);
    }
}
