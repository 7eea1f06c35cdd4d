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

[Collection(ShortIdleCollection.Name)]
public sealed class IdleTimeoutTests(ShortIdleHost host)
{
    [Fact]
    public async Task An_idle_page_warns_with_a_countdown_activity_keeps_it_and_then_it_times_out()
    {
        var card = await host.StartSessionAsync("555294209105");
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "maximum length" })).ToContainTextAsync("will end in 3 minutes");
        var warning = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your session is about to end" });
        var noticeWindow = new LocatorAssertionsToBeVisibleOptions { Timeout = (float)(ShortIdleHost.IdleTimeout - ShortIdleHost.IdleWarning + TimeSpan.FromSeconds(2)).TotalMilliseconds };

        await Expect(warning).ToBeVisibleAsync(noticeWindow);
        var shown = int.Parse(await page.Locator("#ers-idle-countdown").TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(shown, 1, (int)ShortIdleHost.IdleWarning.TotalSeconds);
        await PageChecks.CheckAsync(page, "idle-warning");

        await page.GetByRole(AriaRole.Button, new() { Name = "Stay logged in" }).ClickAsync();
        await Expect(warning).ToBeHiddenAsync();
        Assert.True((await card.Session.GetAsync())!.IsLive);

        // No more activity: the warning comes back, then the session ends on its own and the page says why.
        await Expect(warning).ToBeVisibleAsync(noticeWindow);
        await Expect(page.GetByText("Your session has ended: there was no activity for too long.")).ToBeVisibleAsync(
            new() { Timeout = (float)(ShortIdleHost.IdleWarning + TimeSpan.FromSeconds(2)).TotalMilliseconds });
        Assert.Equal(Ers.Sessions.SessionEndReason.IdleTimeout, (await card.Session.GetAsync())!.EndReason);
    }

    [Fact]
    public async Task Activity_in_one_page_takes_the_idle_warning_off_the_other_pages()
    {
        var card = await host.StartSessionAsync("555294209107");
        var first = await host.NewPageAsync();
        await first.GotoAsync(await card.LoginLinkAsync());
        await Expect(first).ToHaveURLAsync(new Regex("/business-function$"));
        var second = await first.Context.NewPageAsync();
        await second.GotoAsync("/business-function");
        var window = new LocatorAssertionsToBeVisibleOptions { Timeout = (float)(ShortIdleHost.IdleTimeout - ShortIdleHost.IdleWarning + TimeSpan.FromSeconds(2)).TotalMilliseconds };
        var firstWarning = first.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your session is about to end" });
        await Expect(firstWarning).ToBeVisibleAsync(window);

        await second.GetByRole(AriaRole.Button, new() { Name = "Stay logged in" }).ClickAsync();

        // The first page's event stream brings the new deadlines: its warning goes without anyone touching it.
        await Expect(firstWarning).ToBeHiddenAsync(new() { Timeout = 2000 });
        Assert.True((await card.Session.GetAsync())!.IsLive);
    }
}
