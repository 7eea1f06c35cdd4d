using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

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
