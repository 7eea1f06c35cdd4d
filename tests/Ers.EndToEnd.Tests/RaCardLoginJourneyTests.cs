using System.Diagnostics;
using System.Text.RegularExpressions;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Staff;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests;

/// <summary>
/// The RA console through every real part: the RA logs in with the virtual card (vpcd reader 1, the agent, the
/// agents' API, Chromium) choosing the RA role, while the user's card is in reader 0 at the same workstation with the
/// homepage open. The RA sees the user's live session, ends it, ends all of the user's sessions, removes a user's role
/// profile by a directory import (and imports it back), revokes a card; each time the user's open page shows the end
/// within 2 s (measured), and the audit search finds the records the action wrote. The unblock order is
/// CardUnblockJourneyTests. Then an RA of another organisation, logged in with their card, is refused each action.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaCardLoginJourneyTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const string TomaszKowalczyk = "555294209111"; // provider admin at RYY, one role
    private const string SamOkafor = "555294209107";       // provider admin at RYY: no other end-to-end test uses his card
    private const string HelenBrooks = "555294209112";     // RA Manager at RYY: her first role profile
    private const string OwenPrice = "555294209113";       // RA Agent at E82665, one role
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(2);

    private EndToEndStack Stack => fixture.Stack;

    [Fact]
    public async Task An_RA_logged_in_with_the_virtual_card_acts_on_a_user_whose_page_shows_each_end_within_two_seconds_and_another_organisations_RA_is_refused()
    {
        var raPage = await Stack.NewPageAsync();
        // A certificate logs in only on the card it was first seen on, so each user logs in with their issued card; the
        // card revoked is Sam's, whom no other end-to-end test logs in as.
        var userCards = new[] { Stack.CardFor(TomaszKowalczyk), Stack.CardFor(TomaszKowalczyk), Stack.CardFor(SamOkafor) };
        await using (var raLogin = await Stack.InsertAndLogInAsync(Stack.CardFor(HelenBrooks), raPage, reader: 1, EndToEndStack.Pin, "1"))
        {
            await Expect(raPage).ToHaveURLAsync(new Regex("/ra$"));
            await Expect(raPage.GetByTestId("ra-actor")).ToContainTextAsync("Helen Brooks, Kent Community Health NHS Foundation Trust (RYY)");

            // End one session, from the user's page in the console.
            var (first, firstPage, firstSession) = await UserLogsInAsync(userCards[0]);
            await raPage.GetByLabel("Find a user").FillAsync(TomaszKowalczyk);
            await raPage.GetByRole(AriaRole.Button, new() { Name = "Find user" }).ClickAsync();
            var row = raPage.GetByTestId("session-" + firstSession);
            await Expect(row).ToContainTextAsync(EndToEndStack.WorkstationId);
            await row.GetByLabel("Reason").FillAsync("end-to-end: one session");
            var shown = await TimeToEndAsync(firstPage, "your Registration Authority (RA) ended it",
                () => row.GetByRole(AriaRole.Button, new() { Name = "End this session" }).ClickAsync());
            Assert.Equal(SessionEndReason.EndedByRa, await EndOfAsync(firstSession));
            await FindInAuditAsync(raPage, firstSession, "SessionsEndedByRa", "SessionEnded");
            await first.DisposeAsync();

            // End all of the user's sessions.
            var (second, secondPage, secondSession) = await UserLogsInAsync(userCards[1]);
            await raPage.GotoAsync(Url("/ra/users/" + TomaszKowalczyk));
            await raPage.GetByLabel("Reason for ending all of").FillAsync("end-to-end: all sessions");
            shown = shown.Concat(await TimeToEndAsync(secondPage, "your Registration Authority (RA) ended it",
                () => raPage.GetByRole(AriaRole.Button, new() { Name = "End all sessions" }).ClickAsync())).ToList();
            Assert.Equal(SessionEndReason.EndedByRa, await EndOfAsync(secondSession));
            await FindInAuditAsync(raPage, secondSession, "SessionEnded");
            await second.DisposeAsync();

            // A directory import that removes the user's role profile ends his session in it; once imported back, the
            // profile is offered at his next login (the revoke below logs him in with it).
            var sam = (await Stack.Grains.GetGrain<IUserGrain>(SamOkafor).GetProfileAsync())!;
            var (fourth, fourthPage, fourthSession) = await UserLogsInAsync(userCards[2]);
            await ImportAsync(raPage, StaffDirectoryJson.Of(sam with { RoleProfiles = [] }), "end-to-end: leaves the trust", expectSessionsToEnd: 1);
            shown = shown.Concat(await TimeToEndAsync(fourthPage, "your role profile was removed or changed in the staff directory",
                () => raPage.GetByRole(AriaRole.Button, new() { Name = "Apply these changes" }).ClickAsync())).ToList();
            await Expect(raPage.GetByTestId("directory-applied")).ToContainTextAsync("1 live session(s) ended");
            Assert.Equal(SessionEndReason.RoleRemoved, await EndOfAsync(fourthSession));
            await FindInAuditAsync(raPage, fourthSession, "SessionEnded");
            await raPage.GotoAsync(Url("/ra/audit?user=" + SamOkafor));
            await Expect(raPage.GetByTestId("audit-results").Locator("[data-event='DirectoryChangedByRa']").First).ToBeVisibleAsync();
            await fourth.DisposeAsync();
            await ImportAsync(raPage, StaffDirectoryJson.Of(sam), "end-to-end: rejoins the trust", expectSessionsToEnd: 0);
            await raPage.GetByRole(AriaRole.Button, new() { Name = "Apply these changes" }).ClickAsync();
            await Expect(raPage.GetByTestId("directory-applied")).ToContainTextAsync("0 live session(s) ended");

            // Revoke the card the user is logged in with, after its confirmation.
            var (third, thirdPage, thirdSession) = await UserLogsInAsync(userCards[2]);
            await raPage.GotoAsync(Url("/ra/users/" + SamOkafor));
            await raPage.GetByTestId("card-" + userCards[2].CardId).GetByRole(AriaRole.Link, new() { Name = "Revoke" }).ClickAsync();
            await raPage.GetByLabel("Reason for revoking").FillAsync("end-to-end: card reported lost");
            shown = shown.Concat(await TimeToEndAsync(thirdPage, "your smartcard was revoked",
                () => raPage.GetByRole(AriaRole.Button, new() { Name = "Revoke card" }).ClickAsync())).ToList();
            Assert.Equal(CardState.Revoked, (await Stack.Grains.GetGrain<ICardGrain>(userCards[2].CardId).GetAsync()).State);
            await FindInAuditAsync(raPage, thirdSession, "SessionEnded");
            await raPage.GotoAsync(Url("/ra/audit?card=" + userCards[2].CardId));
            await Expect(raPage.GetByTestId("audit-results").Locator("[data-event='CardRevokedByRa']")).ToContainTextAsync("end-to-end: card reported lost");
            await third.DisposeAsync();
            output.WriteLine($"RA action to the user's open page showing the end (ms): {string.Join(", ", shown.Select(t => t.TotalMilliseconds.ToString("F0")))}");
            Assert.All(shown, t => Assert.True(t < Promise, $"the end took {t.TotalMilliseconds:F0} ms to show"));
        }

        // An RA of another organisation, with their own card: refused each action, as a 403 with its code.
        var owenPage = await Stack.NewPageAsync();
        await using (var owen = await Stack.InsertAndLogInAsync(Stack.CardFor(OwenPrice), owenPage, reader: 1, EndToEndStack.Pin))
        {
            await Expect(owenPage).ToHaveURLAsync(new Regex("/ra$"));
            var view = await owenPage.GotoAsync(Url("/ra/users/" + TomaszKowalczyk));
            Assert.Equal(403, view!.Status);
            await Expect(owenPage.GetByTestId("error-code")).ToHaveTextAsync(RefusalCodes.RaOutOfScope);
            var card = userCards[0].CardId;
            // A live session of a user of another organisation: Owen may not end it.
            var (victim, victimPage, victimSession) = await UserLogsInAsync(userCards[0]);
            foreach (var (path, body) in new (string, object)[]
            {
                ($"/api/admin/v1/sessions/{victimSession}/end", new { reason = "not mine to end" }),
                ($"/api/admin/v1/users/{TomaszKowalczyk}/sessions/end", new { reason = "not mine to end" }),
                ($"/api/admin/v1/cards/{card}/revoke", new { reason = "not mine to revoke" }),
                ($"/api/admin/v1/cards/{card}/unblock", new { }),
                ("/api/admin/v1/directory/preview", new { directory = new { users = new[] { new { uuid = TomaszKowalczyk, name = "Tomasz Kowalczyk", roleProfiles = new[] { new { id = "555021935291", ods = "RYY", organisation = "Kent Community Health NHS Foundation Trust", jobRoleCode = "S8000:G8000:R8000", jobRoleName = "Clinical Practitioner Access Role", activities = new[] { "B1110" } } } } } } }),
            })
            {
                var refused = await owenPage.APIRequest.PostAsync(Url(path), new() { DataObject = body });
                Assert.True(refused.Status == 403, $"{path}: {refused.Status} {await refused.TextAsync()}");
                Assert.Contains(RefusalCodes.RaOutOfScope, await refused.TextAsync(), StringComparison.Ordinal);
            }

            // Nothing changed: the session is live, its page still the homepage.
            Assert.True((await Stack.Grains.GetGrain<ISessionGrain>(victimSession).GetAsync())!.IsLive);
            await Expect(victimPage.GetByTestId("user-name")).ToBeVisibleAsync();
            await victimPage.Context.CloseAsync();
            await victim.DisposeAsync();
        }

        await owenPage.Context.CloseAsync();
        await raPage.Context.CloseAsync();
    }

    private async Task<(Testing.EndToEnd.CardLogin Login, IPage Page, string SessionId)> UserLogsInAsync(VirtualCard.VirtualPivCard card)
    {
        var page = await Stack.NewPageAsync();
        var login = await Stack.InsertAndLogInAsync(card, page, reader: 0, EndToEndStack.Pin);
        return (login, page, Stack.SessionIdOf(login.LoginUrl));
    }

    private static async Task<IReadOnlyList<TimeSpan>> TimeToEndAsync(IPage userPage, string why, Func<Task> act)
    {
        var started = Stopwatch.GetTimestamp();
        await act();
        // Generous bound for the wait; the measured time is what the promise is checked against.
        await Expect(userPage.GetByText($"Your session has ended: {why}.")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var took = Stopwatch.GetElapsedTime(started);
        await userPage.Context.CloseAsync();
        return [took];
    }

    /// <summary>Uploads a directory file in the console and checks the preview; the caller applies it.</summary>
    private async Task ImportAsync(IPage raPage, string file, string reason, int expectSessionsToEnd)
    {
        await raPage.GotoAsync(Url("/ra/directory"));
        await raPage.GetByLabel("Staff directory file (JSON)").SetInputFilesAsync(new FilePayload
        {
            Name = "directory.json",
            MimeType = "application/json",
            Buffer = System.Text.Encoding.UTF8.GetBytes(file),
        });
        await raPage.GetByRole(AriaRole.Button, new() { Name = "Preview changes" }).ClickAsync();
        await Expect(raPage.GetByRole(AriaRole.Heading, new() { Name = "Check these directory changes" })).ToBeVisibleAsync();
        await Expect(raPage.GetByTestId("sessions-to-end-count")).ToHaveTextAsync(expectSessionsToEnd.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await raPage.GetByLabel("Reason for these changes").FillAsync(reason);
    }

    private string Url(string path) => new Uri(Stack.BrowserUrl, path).ToString();

    private async Task<SessionEndReason?> EndOfAsync(string sessionId) =>
        (await Stack.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync())!.EndReason;

    private async Task FindInAuditAsync(IPage raPage, string sessionId, params string[] events)
    {
        await raPage.GotoAsync(Url("/ra/audit?session=" + sessionId));
        foreach (var kind in events)
        {
            await Expect(raPage.GetByTestId("audit-results").Locator($"[data-event='{kind}']").First).ToBeVisibleAsync();
        }
    }
}
