using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// An open page learns that its session ended only through its event stream. When the stream is refused (the server
/// no longer knows the session, after a restart) or the server is gone, the page says so within a few seconds and
/// hides patient data (issue 14), and shows it again once the stream is back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConnectionLossTests(ErsWebHost host)
{
    private const string AmeliaHart = "555294209105";
    private const string LostNotice = "This page has lost its connection";

    // The browser retries a dropped stream after 1 s and the page waits 3 s before it says so.
    private static readonly LocatorAssertionsToBeVisibleOptions WithinAFewSeconds = new() { Timeout = 6000 };

    [Fact]
    public async Task A_page_whose_server_is_gone_says_so_within_a_few_seconds_and_hides_patient_data()
    {
        var own = new ErsWebHost();
        await own.InitializeAsync();
        try
        {
            var card = await own.StartSessionAsync(AmeliaHart);
            var page = await own.NewPageAsync();
            await page.GotoAsync(await card.LoginLinkAsync());
            await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
            await Expect(page.GetByTestId("referrals")).ToBeVisibleAsync();
            await Expect(page.GetByText(LostNotice)).ToBeHiddenAsync();

            await own.StopServerAsync();

            await Expect(page.GetByText(LostNotice)).ToBeVisibleAsync(WithinAFewSeconds);
            await Expect(page.GetByTestId("referrals")).ToBeHiddenAsync();
            await PageChecks.CheckAsync(page, "connection-lost");
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_page_whose_event_stream_is_refused_says_the_session_has_ended_and_hides_patient_data()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));

        // What a restarted server that lost the session answers the page's stream (and any look at it): 401.
        await page.RouteAsync("**/session/events", route => route.FulfillAsync(new() { Status = 401 }));
        await page.ReloadAsync();

        await Expect(page.GetByText("Your session has ended.")).ToBeVisibleAsync(WithinAFewSeconds);
        await Expect(page.GetByTestId("referrals")).ToHaveCountAsync(0);
        await Expect(page.GetByText(LostNotice)).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_page_whose_stream_is_refused_for_a_while_hides_patient_data_and_shows_it_again_when_the_stream_is_back()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));

        // A store or node outage: the stream answers 503 until the test lets it through again.
        var outage = true;
        await page.RouteAsync("**/session/events", route => outage ? route.FulfillAsync(new() { Status = 503 }) : route.ContinueAsync());
        await page.ReloadAsync();
        await Expect(page.GetByText(LostNotice)).ToBeVisibleAsync(WithinAFewSeconds);
        await Expect(page.GetByTestId("referrals")).ToBeHiddenAsync();

        outage = false;

        await Expect(page.GetByText(LostNotice)).ToBeHiddenAsync(new() { Timeout = 6000 });
        await Expect(page.GetByTestId("referrals")).ToBeVisibleAsync();
        Assert.True((await card.Session.GetAsync())!.IsLive);
    }
}
