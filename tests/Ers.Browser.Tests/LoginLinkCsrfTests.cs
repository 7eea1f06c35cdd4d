using System.Text.RegularExpressions;
using Ers.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// Issue 13, defect 3 (login CSRF), in real Chromium: opening another user's fresh login link in a browser that holds
/// a live session never replaces that session silently. The GET only shows a page; the ticket is redeemed by a POST
/// carrying this site's anti-forgery token; with a live session the page asks, and continuing is audited.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LoginLinkCsrfTests(ErsWebHost host)
{
    private const string AmeliaHart = "555294209105"; // one role, one business function: straight to the referrer page
    private const string SamOkafor = "555294209107";

    private async Task<(string Link, string TicketId)> LinkAsync(LoggedInCard card)
    {
        var ticket = (await card.Session.IssueBrowserTicketAsync()).Value!;
        return (host.LoginLink(card.SessionId, ticket), ticket.TicketId);
    }

    private IAuditTrail Audit => host.Services.GetRequiredService<IAuditTrail>();

    [Fact]
    public async Task Another_users_login_link_in_a_browser_with_a_live_session_asks_and_changes_nothing()
    {
        var victim = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await victim.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        var attacker = await host.StartSessionAsync(SamOkafor);
        var (attackerLink, attackerTicket) = await LinkAsync(attacker);

        await page.GotoAsync(attackerLink);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are already logged in" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("current-user-name")).ToHaveTextAsync("Dr Amelia Hart");
        await Expect(page.GetByTestId("new-user-name")).ToHaveTextAsync("Sam Okafor");
        var prompted = await Audit.QueryAsync(new AuditQuery(SessionId: victim.SessionId));
        Assert.Contains(prompted, r => r.Event == AuditEvent.Refused && r.Reason == "browser.session-live");
        Assert.True((await attacker.Session.CheckBrowserTicketAsync(attackerTicket)).IsSuccess); // not redeemed

        await page.GetByRole(AriaRole.Link, new() { Name = "Stay logged in as Dr Amelia Hart" }).ClickAsync();
        await page.GotoAsync("/referrer");
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart");
        Assert.True((await victim.Session.GetAsync())!.IsLive);
    }

    [Fact]
    public async Task Continuing_as_the_new_user_is_the_users_choice_and_is_audited_for_both_sessions()
    {
        var first = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await first.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        var second = await host.StartSessionAsync(AmeliaHart);
        var (link, ticket) = await LinkAsync(second);

        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out Dr Amelia Hart and continue as Dr Amelia Hart" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        Assert.Equal(Ers.RefusalCodes.TicketUsed, (await second.Session.CheckBrowserTicketAsync(ticket)).Refusal?.Code);
        foreach (var sessionId in new[] { first.SessionId, second.SessionId })
        {
            var records = await Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
            Assert.Contains(records, r => r.Event == AuditEvent.BrowserSessionReplaced && r.Reason == "browser.session-replaced");
        }
    }

    [Fact]
    public async Task A_get_of_the_link_alone_redeems_nothing_and_a_post_without_the_sites_token_is_refused()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var (link, ticket) = await LinkAsync(card);
        var page = await host.NewPageAsync();

        // What a cross-site attacker can make a browser do: fetch the link, or post to it without our token.
        var fetched = await page.APIRequest.GetAsync(link);
        var posted = await page.APIRequest.PostAsync(link, new() { Form = page.APIRequest.CreateFormData().Set("replace", "true"), MaxRedirects = 0 });

        Assert.Equal(200, fetched.Status);
        Assert.Equal(400, posted.Status);
        Assert.True((await card.Session.CheckBrowserTicketAsync(ticket)).IsSuccess); // not redeemed
        Assert.DoesNotContain((await page.Context.CookiesAsync()).Select(c => c.Name), name => name == Ers.Web.Browser.BrowserSession.CookieName);

        await page.GotoAsync(link); // the real page posts its own form, with the token
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        Assert.Equal(Ers.RefusalCodes.TicketUsed, (await card.Session.CheckBrowserTicketAsync(ticket)).Refusal?.Code);
    }

    [Fact]
    public async Task A_forged_link_is_counted_and_an_expired_one_audited_with_its_session()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var ticket = (await card.Session.IssueBrowserTicketAsync()).Value!;
        var page = await host.NewPageAsync();
        var before = (await Audit.QueryAsync(new AuditQuery(Limit: int.MaxValue))).Count;

        var forged = await page.GotoAsync("/login?ticket=AAAA.BBBB");

        Assert.Equal(400, forged!.Status);
        await Expect(page.GetByTestId("error-code")).ToHaveTextAsync("ticket.unknown");
        Assert.Equal(before, (await Audit.QueryAsync(new AuditQuery(Limit: int.MaxValue))).Count);

        var expired = await page.GotoAsync(host.LoginLink(card.SessionId, ticket with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }));

        Assert.Equal(410, expired!.Status);
        var records = await Audit.QueryAsync(new AuditQuery(SessionId: card.SessionId));
        Assert.Contains(records, r => r.Event == AuditEvent.Refused && r.Reason == "ticket.expired");
    }
}
