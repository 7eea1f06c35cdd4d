using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class LiveSessionEndTests(ErsWebHost host)
{
    private const string AmeliaHart = "555294209105";

    // The live-logout promise: an open page shows the end within 2 seconds, with no user action.
    private static readonly LocatorAssertionsToBeVisibleOptions WithinPromise = new() { Timeout = 2000 };

    [Fact]
    public async Task Removing_the_card_ends_every_open_page_of_the_session_live()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        var secondTab = await page.Context.NewPageAsync();
        await secondTab.GotoAsync("/referrer?show=organisation");
        await Expect(secondTab.GetByTestId("referrals")).ToBeVisibleAsync();

        await card.RemoveAsync();

        await Expect(page.GetByText("Your session has ended: your smartcard was removed.")).ToBeVisibleAsync(WithinPromise);
        await Expect(secondTab.GetByText("Your session has ended: your smartcard was removed.")).ToBeVisibleAsync(WithinPromise);
        await Expect(page.GetByTestId("referrals")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("user-name")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(page, "session-ended");

        await page.GotoAsync("/referrer");
        await Expect(page).ToHaveURLAsync(new Regex("/\\?ended=card-removed$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Insert your smartcard to log in" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("ended-reason")).ToContainTextAsync("your smartcard was removed");
        await PageChecks.CheckAsync(page, "insert-card-after-removal");
    }

    [Fact]
    public async Task Logging_out_ends_the_session_and_its_other_pages()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        var otherTab = await page.Context.NewPageAsync();
        await otherTab.GotoAsync("/referrer");
        await Expect(otherTab.GetByTestId("referrals")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/\\?ended=logout$"));
        await Expect(page.GetByTestId("ended-reason")).ToContainTextAsync("Your session has ended: you logged out.");
        await Expect(otherTab.GetByText("Your session has ended: you logged out.")).ToBeVisibleAsync(WithinPromise);
        Assert.Equal(Ers.Sessions.SessionEndReason.Logout, (await card.Session.GetAsync())!.EndReason);
    }

    [Fact]
    public async Task A_session_ended_elsewhere_by_revocation_shows_its_reason()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));

        await card.Card.RevokeAsync();

        await Expect(page.GetByText("Your session has ended: your smartcard was revoked.")).ToBeVisibleAsync(WithinPromise);
    }
}
