using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// The sample relying party (samples/Ers.SampleRp, ASP.NET Core's standard OpenID Connect handler) signing in with
/// Ers in a real browser: the card session is the login, and a browser with a live session gets in without a page.
/// </summary>
public sealed class SampleRpTests(SampleRpHost host) : IClassFixture<SampleRpHost>
{
    private const string RahulMehta = "555294209106";       // two roles
    private const string RahulReferrerRole = "555021935108"; // at Riverside Surgery (E82665)
    private const string AmeliaHart = "555294209105";      // one role: chosen by itself

    [Fact]
    public async Task The_RP_sends_the_browser_to_insert_the_card_and_the_card_login_brings_it_back_signed_in_with_role_and_organisation()
    {
        var page = await host.NewPageAsync();

        await page.GotoAsync(host.RpAddress.AbsoluteUri);

        // No session in this browser: Ers's "insert your smartcard" page, the RP's request kept while the card goes in.
        await Expect(page).ToHaveURLAsync(host.BaseAddress.AbsoluteUri);
        await Expect(page.Locator("main")).ToContainTextAsync("Insert your smartcard");

        var card = await host.StartSessionAsync(RahulMehta, RahulReferrerRole);
        await page.GotoAsync(await card.LoginLinkAsync(), new() { WaitUntil = WaitUntilState.Commit });

        await Expect(page).ToHaveURLAsync(host.RpAddress.AbsoluteUri, new() { Timeout = 30_000 });

        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Rahul Mehta", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("user-id")).ToHaveTextAsync(RahulMehta);
        await Expect(page.GetByTestId("role-profile")).ToHaveTextAsync(RahulReferrerRole);
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Riverside Surgery (E82665)");
        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Clinical Practitioner Access Role");
        Directory.CreateDirectory(PageChecks.ScreenshotDir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageChecks.ScreenshotDir, "sample-rp.png"), FullPage = true });

        // Signing out of the RP ends its cookie only; the card session lets the next visit straight back in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Signed out" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Rahul Mehta");

        // Once the card is pulled, the RP's next sign-in asks for the card again.
        await card.RemoveAsync();
        var fresh = await host.NewPageAsync();
        await fresh.GotoAsync(host.RpAddress.AbsoluteUri);
        await Expect(fresh).ToHaveURLAsync(host.BaseAddress.AbsoluteUri);
    }

    [Fact]
    public async Task A_browser_with_a_live_card_session_gets_into_the_RP_at_once_without_any_Ers_page()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));

        var visited = new List<string>();
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
            {
                visited.Add(frame.Url);
            }
        };
        await page.GotoAsync(host.RpAddress.AbsoluteUri);

        await Expect(page).ToHaveURLAsync(host.RpAddress.AbsoluteUri);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Clinical Practitioner Access Role");
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Riverside Surgery (E82665)");
        // Redirects are not pages: besides the RP's own, the one page shown is the provider's self-posting answer
        // (response_mode=form_post), never the insert-card, login or role page.
        Assert.Equal(host.RpAddress.AbsoluteUri, visited[^1]);
        Assert.All(visited[..^1], url => Assert.StartsWith(new Uri(host.BaseAddress, "/connect/authorize").AbsoluteUri, url, StringComparison.Ordinal));
    }
}
