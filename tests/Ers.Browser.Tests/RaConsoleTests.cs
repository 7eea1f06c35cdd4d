using System.Text.RegularExpressions;
using Ers.Cards;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.Browser.Tests;

/// <summary>
/// The RA console in Chromium: an RA logs in with a card choosing the RA role profile, acts on a user whose page is
/// open in another browser, and that page shows the end within the live-logout promise; an RA of another
/// organisation is refused.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RaConsoleTests(ErsWebHost host)
{
    private const string HelenBrooks = "555294209112";     // RA Manager at RYY, and provider admin there
    private const string HelenRaRole = "555021935120";
    private const string OwenPrice = "555294209113";       // RA Agent at E82665
    private const string TomaszKowalczyk = "555294209111"; // provider admin at RYY, one business function

    private static readonly LocatorAssertionsToBeVisibleOptions WithinPromise = new() { Timeout = 2000 };

    private async Task<(LoggedInCard Card, IPage Page)> UserOnTheirHomepageAsync()
    {
        var card = await host.StartSessionAsync(TomaszKowalczyk);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/provider$"));
        return (card, page);
    }

    private async Task<IPage> RaOnTheConsoleAsync(string userId, string? roleProfileId)
    {
        var card = await host.StartSessionAsync(userId, roleProfileId);
        var page = await host.NewPageAsync();
        await page.GotoAsync(await card.LoginLinkAsync());
        await Expect(page).ToHaveURLAsync(new Regex("/ra$"));
        return page;
    }

    [Fact]
    public async Task An_RA_ends_a_users_session_and_the_users_open_page_shows_it_within_two_seconds()
    {
        var (user, userPage) = await UserOnTheirHomepageAsync();
        var ra = await RaOnTheConsoleAsync(HelenBrooks, HelenRaRole);
        await Expect(ra.GetByTestId("ra-actor")).ToContainTextAsync("Helen Brooks, Kent Community Health NHS Foundation Trust (RYY)");

        await ra.GetByLabel("Find a user").FillAsync(TomaszKowalczyk);
        await ra.GetByRole(AriaRole.Button, new() { Name = "Find user" }).ClickAsync();
        await Expect(ra.GetByTestId("ra-user-name")).ToHaveTextAsync("Tomasz Kowalczyk");
        var row = ra.GetByTestId("session-" + user.SessionId);
        await Expect(row).ToContainTextAsync(user.WorkstationId);
        await Expect(row).ToContainTextAsync("Kent Community Health NHS Foundation Trust (RYY)");
        await PageChecks.CheckAsync(ra, "ra-user");
        await row.GetByLabel("Reason").FillAsync("left a shared workstation logged in");
        await row.GetByRole(AriaRole.Button, new() { Name = "End this session" }).ClickAsync();

        await Expect(userPage.GetByText("Your session has ended: your Registration Authority (RA) ended it.")).ToBeVisibleAsync(WithinPromise);
        await Expect(ra.GetByTestId("ra-done")).ToContainTextAsync("1 session was ended.");
        // Other tests' sessions of the same user may be live in the shared host: only this row must be gone.
        await Expect(ra.GetByTestId("session-" + user.SessionId)).ToHaveCountAsync(0);
        Assert.Equal(Ers.Sessions.SessionEndReason.EndedByRa, (await user.Session.GetAsync())!.EndReason);
    }

    [Fact]
    public async Task An_RA_revokes_a_card_after_its_confirmation_and_the_holders_open_page_shows_it_within_two_seconds()
    {
        var (user, userPage) = await UserOnTheirHomepageAsync();
        var ra = await RaOnTheConsoleAsync(HelenBrooks, HelenRaRole);
        await ra.GotoAsync("/ra/users/" + TomaszKowalczyk);

        await ra.GetByTestId("card-" + user.Card.GetPrimaryKeyString()).GetByRole(AriaRole.Link, new() { Name = "Revoke" }).ClickAsync();
        await Expect(ra.GetByRole(AriaRole.Heading, new() { Name = "Revoke this smartcard?" })).ToBeVisibleAsync();
        await Expect(ra.GetByTestId("revoke-holder")).ToHaveTextAsync($"Tomasz Kowalczyk ({TomaszKowalczyk})");
        await PageChecks.CheckAsync(ra, "ra-revoke-confirmation");
        await ra.GetByLabel("Reason for revoking").FillAsync("card reported lost");
        await ra.GetByRole(AriaRole.Button, new() { Name = "Revoke card" }).ClickAsync();

        await Expect(userPage.GetByText("Your session has ended: your smartcard was revoked.")).ToBeVisibleAsync(WithinPromise);
        await Expect(ra.GetByTestId("ra-done")).ToContainTextAsync("was revoked");
        Assert.Equal(CardState.Revoked, (await user.Card.GetAsync()).State);
        Assert.Equal(RefusalCodes.CardRevoked, (await user.Card.InsertedAsync(user.WorkstationId)).Refusal?.Code);
    }

    [Fact]
    public async Task An_RA_of_another_organisation_is_refused_and_the_users_session_goes_on()
    {
        var (user, userPage) = await UserOnTheirHomepageAsync();
        var ra = await RaOnTheConsoleAsync(OwenPrice, null);

        var refused = await ra.GotoAsync("/ra/users/" + TomaszKowalczyk);

        Assert.Equal(403, refused!.Status);
        await Expect(ra.GetByTestId("refusal-message")).ToHaveTextAsync("This is outside the organisations your RA role covers.");
        await Expect(ra.GetByTestId("error-code")).ToHaveTextAsync(RefusalCodes.RaOutOfScope);
        await PageChecks.CheckAsync(ra, "ra-refused");
        Assert.True((await user.Session.GetAsync())!.IsLive);
        await Expect(userPage.GetByTestId("user-name")).ToHaveTextAsync("Tomasz Kowalczyk");
    }

    [Fact]
    public async Task An_RA_ends_a_users_session_then_finds_the_records_it_wrote_in_the_audit_search()
    {
        var (user, userPage) = await UserOnTheirHomepageAsync();
        var ra = await RaOnTheConsoleAsync(HelenBrooks, HelenRaRole);
        await ra.GotoAsync("/ra/users/" + TomaszKowalczyk);
        var row = ra.GetByTestId("session-" + user.SessionId);
        await row.GetByLabel("Reason").FillAsync("audit search walk-through");
        await row.GetByRole(AriaRole.Button, new() { Name = "End this session" }).ClickAsync();
        await Expect(userPage.GetByText("Your session has ended: your Registration Authority (RA) ended it.")).ToBeVisibleAsync(WithinPromise);

        await ra.GetByRole(AriaRole.Link, new() { Name = "Search the audit trail" }).ClickAsync();
        await ra.GetByLabel("Workstation ID").FillAsync(user.WorkstationId);
        await ra.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        // The RA's own record names the session; the session's end names the user. Both are at the RA's organisation.
        var results = ra.GetByTestId("audit-results");
        await Expect(results.Locator("[data-event='SessionsEndedByRa']")).ToContainTextAsync($"ra.end-session user {TomaszKowalczyk}: audit search walk-through");
        await Expect(results.Locator("[data-event='SessionEnded']")).ToContainTextAsync("ended-by-ra");
        await Expect(ra.GetByTestId("audit-download")).ToBeVisibleAsync();
        await PageChecks.CheckAsync(ra, "ra-audit-search");
    }

    [Fact]
    public async Task An_RA_previews_a_directory_import_then_applies_it_and_the_open_page_of_a_user_whose_role_it_removed_shows_it_within_two_seconds()
    {
        static string NewId() => "5553" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var kept = new Ers.Staff.RoleProfile(NewId(), "RYY", "Kent Community Health NHS Foundation Trust", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1110"]);
        var removed = kept with { RoleProfileId = NewId(), JobRoleName = "Admin and Clerical", JobRoleCode = "S8000:G8000:R8001", Activities = ["B1120"] };
        var user = new Ers.Staff.StaffUser(NewId(), "Dr Dana Whitfield", [kept, removed]);
        await host.Grains.GetGrain<Ers.Staff.IUserGrain>(user.UserId).ImportAsync(user);
        var card = await host.StartSessionAsync(user.UserId, removed.RoleProfileId);
        var userPage = await host.NewPageAsync();
        await userPage.GotoAsync(await card.LoginLinkAsync());
        await Expect(userPage).ToHaveURLAsync(new Regex("/provider$"));
        var ra = await RaOnTheConsoleAsync(HelenBrooks, HelenRaRole);
        var file = System.Text.Json.JsonSerializer.Serialize(new
        {
            users = new[]
            {
                new
                {
                    uuid = user.UserId, name = user.Name,
                    roleProfiles = new[] { new { id = kept.RoleProfileId, ods = kept.OdsCode, organisation = kept.OrganisationName, jobRoleCode = kept.JobRoleCode, jobRoleName = kept.JobRoleName, activities = kept.Activities } },
                },
            },
        });

        await ra.GetByRole(AriaRole.Link, new() { Name = "Import directory changes" }).ClickAsync();
        await ra.GetByLabel("Staff directory file (JSON)").SetInputFilesAsync(new FilePayload { Name = "december.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(file) });
        await ra.GetByRole(AriaRole.Button, new() { Name = "Preview changes" }).ClickAsync();

        await Expect(ra.GetByRole(AriaRole.Heading, new() { Name = "Check these directory changes" })).ToBeVisibleAsync();
        await Expect(ra.GetByTestId("profiles-removed")).ToHaveTextAsync("1");
        await Expect(ra.GetByTestId("sessions-to-end-count")).ToHaveTextAsync("1");
        await Expect(ra.GetByTestId("removed-" + user.UserId)).ToContainTextAsync(removed.RoleProfileId);
        await Expect(ra.GetByTestId("session-" + card.SessionId)).ToContainTextAsync("Admin and Clerical");
        await PageChecks.CheckAsync(ra, "ra-directory-preview");
        Assert.True((await card.Session.GetAsync())!.IsLive);
        await ra.GetByLabel("Reason for these changes").FillAsync("leaves the admin team");
        await ra.GetByRole(AriaRole.Button, new() { Name = "Apply these changes" }).ClickAsync();

        await Expect(userPage.GetByText("Your session has ended: your role profile was removed or changed in the staff directory.")).ToBeVisibleAsync(WithinPromise);
        await Expect(ra.GetByTestId("directory-applied")).ToContainTextAsync("1 live session(s) ended");
        Assert.Equal(Ers.Sessions.SessionEndReason.RoleRemoved, (await card.Session.GetAsync())!.EndReason);
    }
}
