using System.Diagnostics;
using System.Text.RegularExpressions;
using Ers.Audit;
using Ers.Sessions;
using Ers.SingleSignOn;
using Ers.Testing;
using Ers.Web.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// The sample relying party (samples/Ers.SampleRp, ASP.NET Core's standard OpenID Connect handler) signing in with
/// Ers in a real browser: the card session is the login, a browser with a live session gets in without a page, and
/// the end of the card session signs it out of the RP by back-channel logout (retried while the RP is down).
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

    [Fact]
    public async Task Pulling_the_card_tells_the_RP_by_back_channel_logout_within_two_seconds_and_its_page_is_signed_out()
    {
        var page = await host.NewPageAsync();
        var card = await host.StartSessionAsync(RahulMehta, RahulReferrerRole);
        await page.GotoAsync(await card.LoginLinkAsync());
        await page.GotoAsync(host.RpAddress.AbsoluteUri);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Rahul Mehta", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Riverside Surgery (E82665)");
        var since = DateTimeOffset.UtcNow;
        var sid = OidcClaims.PublicSessionId(card.SessionId);

        var watch = Stopwatch.StartNew();
        await card.RemoveAsync();
        await host.WaitForRpLineAsync(line => line.Contains($"Back-channel logout received: sid {sid}", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var received = watch.Elapsed;

        Assert.True(received < TimeSpan.FromSeconds(2), $"the RP was told {received.TotalMilliseconds:0} ms after the card was pulled");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("session-ended")).ToBeVisibleAsync();
        Assert.StartsWith(new Uri(host.RpAddress, "signed-out").AbsoluteUri, page.Url, StringComparison.Ordinal);
        var record = Assert.Single(await LogoutRecordsAsync(card.SessionId, since, AuditEvent.BackChannelLogoutDelivered));
        Assert.Equal($"{SampleRpHost.ClientId} attempts=1", record.Reason);
        Assert.Equal(RahulMehta, record.UserId);
    }

    [Fact]
    public async Task An_RP_that_is_down_when_the_session_ends_is_told_once_it_is_back()
    {
        var page = await host.NewPageAsync();
        var card = await host.StartSessionAsync(AmeliaHart);
        await page.GotoAsync(await card.LoginLinkAsync());
        await page.GotoAsync(host.RpAddress.AbsoluteUri);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart", new() { Timeout = 30_000 });
        var since = DateTimeOffset.UtcNow;
        var sid = OidcClaims.PublicSessionId(card.SessionId);
        var logout = host.Grains.GetGrain<IBackChannelLogoutGrain>(card.SessionId);

        await host.StopRpAsync();
        try
        {
            await card.Session.EndAsync(SessionEndReason.Logout);
            await Eventually.TrueAsync(async () => (await logout.GetDeliveriesAsync()) is [{ State: LogoutDeliveryState.Pending, Attempts: >= 1 }],
                "a failed attempt while the RP is down");
        }
        finally
        {
            await host.StartRpAsync();
        }

        await host.WaitForRpLineAsync(line => line.Contains($"Back-channel logout received: sid {sid}", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        // The RP logs before its 200 is back at the silo and written down.
        await Eventually.TrueAsync(async () => (await logout.GetDeliveriesAsync()) is [{ State: LogoutDeliveryState.Delivered }], "the delivery written down");
        var delivered = Assert.Single(await logout.GetDeliveriesAsync());
        Assert.True(delivered.Attempts >= 2, $"{delivered.Attempts} attempts");
        var record = Assert.Single(await LogoutRecordsAsync(card.SessionId, since, AuditEvent.BackChannelLogoutDelivered));
        Assert.Equal($"{SampleRpHost.ClientId} attempts={delivered.Attempts}", record.Reason);
    }

    private async Task<IReadOnlyList<AuditRecord>> LogoutRecordsAsync(string sessionId, DateTimeOffset since, AuditEvent kind)
    {
        var trail = host.Services.GetRequiredService<IAuditTrail>();
        IReadOnlyList<AuditRecord> records = [];
        await Eventually.TrueAsync(async () =>
        {
            records = [.. (await trail.QueryAsync(new AuditQuery(SessionId: sessionId, From: since))).Where(r => r.Event == kind)];
            return records.Count > 0;
        }, $"a {kind} record");
        return records;
    }
}
