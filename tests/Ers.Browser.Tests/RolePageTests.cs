using System.Text.RegularExpressions;
using Ers.Audit;
using Ers.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// The role chosen in the browser (the desktop agent opens the login link of a session still awaiting its role, as
/// CIS2 chooses roles in the browser): a list for up to five roles, a search that shrinks the list as the user types
/// above five, and the session grain deciding.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RolePageTests(ErsWebHost host)
{
    private const string RahulMehta = "555294209106";       // two roles
    private const string RahulProviderRole = "555021935109"; // RYY, B1110
    private const string GraceLindqvist = "555294209108";   // seven roles

    private IAuditTrail Audit => host.Services.GetRequiredService<IAuditTrail>();

    private static ILocator Roles(IPage page) => page.Locator("#role-list .nhsuk-radios__item:visible");

    [Fact]
    public async Task Two_roles_are_a_list_and_the_one_chosen_becomes_the_session_role()
    {
        var card = await host.StartSessionAsync(RahulMehta);
        var page = await host.NewPageAsync();

        await page.GotoAsync(await card.LoginLinkAsync());

        await Expect(page).ToHaveURLAsync(new Regex("/role$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose your role" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Searchbox)).ToHaveCountAsync(0);
        await Expect(Roles(page)).ToHaveCountAsync(2);
        await PageChecks.CheckAsync(page, "role-list");
        // Nothing behind the login before a role: the homepages send the browser back here.
        await page.GotoAsync("/referrer");
        await Expect(page).ToHaveURLAsync(new Regex("/role$"));

        await page.GetByLabel("Clinical Practitioner Access Role at Kent Community Health NHS Foundation Trust (RYY)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/provider$"));
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Kent Community Health NHS Foundation Trust (RYY)");
        var session = (await card.Session.GetAsync())!;
        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(RahulProviderRole, session.Role!.RoleProfileId);
        Assert.Equal(RahulProviderRole, (await card.Session.BeatAsync()).Role!.RoleProfileId);
        // Chosen once: the role page now goes on to the session's pages.
        await page.GotoAsync("/role");
        await Expect(page).ToHaveURLAsync(new Regex("/provider$"));
    }

    [Fact]
    public async Task More_than_five_roles_are_searched_and_the_list_shrinks_as_the_user_types()
    {
        var card = await host.StartSessionAsync(GraceLindqvist);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/role$"));
        await Expect(Roles(page)).ToHaveCountAsync(7);

        var search = page.GetByLabel("Search your 7 roles");
        await search.PressSequentiallyAsync("medical");
        await Expect(Roles(page)).ToHaveCountAsync(2); // Hillside Medical Centre, Medical Director
        await search.PressSequentiallyAsync(" rj1");
        await Expect(Roles(page)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("role-count")).ToHaveTextAsync("1 of 7 roles shown");
        await PageChecks.CheckAsync(page, "role-search");

        await search.FillAsync("guy's");
        await Expect(Roles(page)).ToHaveCountAsync(2);
        await page.GetByLabel("Medical Director at Guy's and St Thomas' NHS Foundation Trust (RJ1)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Medical Director");
        Assert.Equal("555021935115", (await card.Session.GetAsync())!.Role!.RoleProfileId);
    }

    [Fact]
    public async Task Without_script_the_search_is_done_by_the_server()
    {
        var card = await host.StartSessionAsync(GraceLindqvist);
        var context = await host.Browser.NewContextAsync(new() { JavaScriptEnabled = false, IgnoreHTTPSErrors = true, BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        // The login page posts itself with script; without, the user presses Continue.
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/role$"));

        await page.GetByLabel("Search your 7 roles").FillAsync("kent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/role\\?q=kent$"));
        await Expect(Roles(page)).ToHaveCountAsync(1);
        await page.GetByLabel("Clinical Practitioner Access Role at Kent Community Health NHS Foundation Trust (RYY)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByTestId("organisation")).ToHaveTextAsync("Kent Community Health NHS Foundation Trust (RYY)");
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_role_the_user_does_not_hold_is_refused_audited_and_changes_nothing()
    {
        var card = await host.StartSessionAsync(RahulMehta);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/role$"));

        // A hand-made form value: another user's role profile id.
        await page.Locator("#role-list input").First.EvaluateAsync("radio => { radio.value = '555021935115'; radio.checked = true; }");
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, answer.Status);
        await Expect(page.GetByTestId("role-error")).ToHaveTextAsync("You do not hold that role profile.");
        var session = (await card.Session.GetAsync())!;
        Assert.Equal(SessionState.AwaitingRole, session.State);
        Assert.Null(session.Role);
        var records = await Audit.QueryAsync(new AuditQuery(SessionId: card.SessionId));
        Assert.Contains(records, r => r.Event == AuditEvent.Refused && r.Reason == RefusalCodes.RoleNotHeld && r.RoleProfileId == "555021935115");

        // Nothing chosen at all is a sentence too, and still changes nothing.
        await page.Locator("#role-list input").First.EvaluateAsync("radio => { radio.checked = false; }");
        var none = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, none.Status);
        await Expect(page.GetByTestId("role-error")).ToHaveTextAsync("Choose a role.");
        Assert.Null((await card.Session.GetAsync())!.Role);
    }
}
