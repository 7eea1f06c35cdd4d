using System.Text.RegularExpressions;
using Ers.Staff;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class LoginAndHomepageTests(ErsWebHost host)
{
    private const string AmeliaHart = "555294209105";      // one role, Referring Clinician only
    private const string SamOkafor = "555294209107";        // one role, three provider functions
    private const string RahulMehta = "555294209106";       // two roles
    private const string RahulReferrerRole = "555021935108"; // B1101 + B1102

    [Fact]
    public async Task One_business_function_goes_straight_to_the_referrer_dashboard()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();

        await page.GotoAsync(await card.LoginLinkAsync());

        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Referrer dashboard" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart");
        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Clinical Practitioner Access Role");
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Riverside Surgery (E82665)");
        await Expect(page.GetByTestId("business-function")).ToHaveTextAsync("Referring Clinician");
        await Expect(page.GetByLabel("Me", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.GetByTestId("referrals").Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("referrals").Locator("tbody")).ToContainTextAsync("Dr Amelia Hart");
        // One function: nothing to change to.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Change business function" })).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(page, "referrer-home");

        await page.GetByLabel("My organisation").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show referrals" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("show=organisation"));
        await Expect(page.GetByTestId("referrals").Locator("tbody tr")).ToHaveCountAsync(8);
        await Expect(page.GetByLabel("My organisation")).ToBeCheckedAsync();
        await PageChecks.CheckAsync(page, "referrer-home-organisation");
    }

    [Fact]
    public async Task Several_business_functions_are_a_drop_down_then_the_provider_worklists()
    {
        var card = await host.StartSessionAsync(SamOkafor);
        var page = await host.NewPageAsync();

        await page.GotoAsync(await card.LoginLinkAsync());

        await Expect(page).ToHaveURLAsync(new Regex("/business-function$"));
        var select = page.GetByLabel("Business function");
        await Expect(select.Locator("option")).ToHaveTextAsync(["Service Provider Clinician", "Service Provider Clinician Admin", "Service Provider Admin"]);
        await PageChecks.CheckAsync(page, "business-function");

        // Keyboard only: choose, move to Continue, press Enter.
        await select.FocusAsync();
        await select.SelectOptionAsync(new SelectOptionValue { Label = "Service Provider Clinician Admin" });
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Continue" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new Regex("/provider$"));
        await Expect(page.GetByTestId("business-function")).ToHaveTextAsync("Service Provider Clinician Admin");
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Kent Community Health NHS Foundation Trust (RYY)");
        foreach (var worklist in new[] { "Referrals for Review", "Appointment Slot Issues", "Appointments for Booking" })
        {
            await Expect(page.Locator("caption", new() { HasText = worklist })).ToBeVisibleAsync();
        }

        await Expect(page.GetByTestId("referrals-for-review").Locator("tbody tr")).ToHaveCountAsync(4);
        await PageChecks.CheckAsync(page, "provider-home");

        await page.GetByRole(AriaRole.Link, new() { Name = "Change business function" }).ClickAsync();
        await Expect(page.GetByLabel("Business function")).ToHaveValueAsync(nameof(BusinessFunction.ServiceProviderClinicianAdmin));
        await page.GetByLabel("Business function").SelectOptionAsync(nameof(BusinessFunction.ServiceProviderAdmin));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByTestId("business-function")).ToHaveTextAsync("Service Provider Admin");
        Assert.Equal(BusinessFunction.ServiceProviderAdmin, (await card.Session.GetAsync())!.BusinessFunctions[BusinessFunctions.ReferralsApplication]);
    }

    [Fact]
    public async Task A_role_chosen_in_the_agent_with_two_referrer_functions_asks_which()
    {
        var card = await host.StartSessionAsync(RahulMehta, RahulReferrerRole);
        var page = await host.NewPageAsync();

        await page.GotoAsync(await card.LoginLinkAsync());

        await Expect(page).ToHaveURLAsync(new Regex("/business-function$"));
        await page.GetByLabel("Business function").SelectOptionAsync(new SelectOptionValue { Label = "Referring Clinician Admin" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        await Expect(page.GetByTestId("business-function")).ToHaveTextAsync("Referring Clinician Admin");
    }

    [Fact]
    public async Task A_role_with_no_business_function_is_told_so()
    {
        var userId = "7" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await host.Grains.GetGrain<IUserGrain>(userId).ImportAsync(new StaffUser(userId, "Alex Byrne",
            [new RoleProfile("555099999999", "RYY", "Kent Community Health NHS Foundation Trust", "S0010:G0020:R0050", "Admin and Clerical", ["B0000"])]));
        var card = await host.StartSessionAsync(userId);
        var page = await host.NewPageAsync();

        await page.GotoAsync(await card.LoginLinkAsync());

        await Expect(page).ToHaveURLAsync(new Regex("/business-function$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You have no business function in the e-Referral Service" })).ToBeVisibleAsync();
        await Expect(page.Locator("select")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(page, "no-business-function");

        var homepage = await page.GotoAsync("/provider");
        Assert.Equal(200, homepage!.Status);
        await Expect(page).ToHaveURLAsync(new Regex("/business-function$"));
    }

    [Fact]
    public async Task A_provider_page_is_forbidden_to_a_referrer_and_the_referrer_page_to_a_provider()
    {
        var referrer = await host.NewPageAsync();
        await referrer.GotoAsync(await (await host.StartSessionAsync(AmeliaHart)).LoginLinkAsync());
        await Expect(referrer).ToHaveURLAsync(new Regex("/referrer$"));

        var forbidden = await referrer.GotoAsync("/provider");

        Assert.Equal(403, forbidden!.Status);
        await Expect(referrer.GetByRole(AriaRole.Heading, new() { Name = "You do not have access to this page" })).ToBeVisibleAsync();
        await Expect(referrer.GetByTestId("error-code")).ToHaveTextAsync("forbidden");
        await Expect(referrer.Locator("table")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(referrer, "forbidden");

        var providerCard = await host.StartSessionAsync(SamOkafor);
        await providerCard.Session.SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, BusinessFunction.ServiceProviderClinician);
        var provider = await host.NewPageAsync();
        await provider.GotoAsync(await providerCard.LoginLinkAsync());
        await Expect(provider).ToHaveURLAsync(new Regex("/provider$"));
        Assert.Equal(403, (await provider.GotoAsync("/referrer"))!.Status);
    }

    [Fact]
    public async Task Without_a_cookie_every_page_is_the_insert_your_card_page()
    {
        var page = await host.NewPageAsync();

        foreach (var path in new[] { "/home", "/referrer", "/provider", "/business-function" })
        {
            await page.GotoAsync(path);
            await Expect(page).ToHaveURLAsync(new Regex("/$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Insert your smartcard to log in" })).ToBeVisibleAsync();
        }

        await PageChecks.CheckAsync(page, "insert-card");

        // A cookie the server did not protect is no cookie at all.
        await page.Context.AddCookiesAsync([new Cookie { Name = "__Host-ers-session", Value = "CfDJ8forged", Url = host.BaseAddress.ToString(), Secure = true }]);
        await page.GotoAsync("/referrer");
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
    }

    [Fact]
    public async Task A_login_link_works_once_and_a_forged_one_never()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var link = await card.LoginLinkAsync();
        var first = await host.NewPageAsync();
        await first.GotoAsync(link);
        await Expect(first).ToHaveURLAsync(new Regex("/referrer$"));

        var replay = await host.NewPageAsync();
        var replayed = await replay.GotoAsync(link);

        Assert.Equal(410, replayed!.Status);
        await Expect(replay.GetByRole(AriaRole.Heading, new() { Name = "This login link can't be used" })).ToBeVisibleAsync();
        await Expect(replay.GetByText("Remove your smartcard and insert it again.")).ToBeVisibleAsync();
        await Expect(replay.GetByTestId("error-code")).ToHaveTextAsync("ticket.used");
        await PageChecks.CheckAsync(replay, "login-link-refused");
        await replay.GotoAsync("/referrer");
        await Expect(replay).ToHaveURLAsync(new Regex("/$"));

        var token = Uri.UnescapeDataString(link[(link.IndexOf('=') + 1)..]).ToCharArray();
        token[token.Length / 2] = token[token.Length / 2] == 'x' ? 'y' : 'x';
        var forged = await replay.GotoAsync("/login?ticket=" + Uri.EscapeDataString(new string(token)));
        Assert.Equal(400, forged!.Status);
        await Expect(replay.GetByTestId("error-code")).ToHaveTextAsync("ticket.unknown");
        Assert.Equal(400, (await replay.GotoAsync("/login"))!.Status);

        var fresh = await host.StartSessionAsync(AmeliaHart);
        var ticket = (await fresh.Session.IssueBrowserTicketAsync()).Value!;
        var expired = await replay.GotoAsync(host.LoginLink(fresh.SessionId, ticket with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }));
        Assert.Equal(410, expired!.Status);
        await Expect(replay.GetByTestId("error-code")).ToHaveTextAsync("ticket.expired");
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var card = await host.StartSessionAsync(AmeliaHart);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));

        var logout = await page.APIRequest.PostAsync("/logout", new() { MaxRedirects = 0 });
        var activity = await page.APIRequest.PostAsync("/session/activity");

        Assert.Equal(400, logout.Status);
        Assert.Equal(400, activity.Status);
        Assert.True((await card.Session.GetAsync())!.IsLive);
        await page.ReloadAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
    }
}
