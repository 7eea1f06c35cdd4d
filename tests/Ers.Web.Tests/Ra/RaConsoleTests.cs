using System.Net;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Silos;
using static Ers.Web.Tests.Ra.RaConsoleHost;

namespace Ers.Web.Tests.Ra;

/// <summary>
/// The RA console's pages on the real host: every action changes what it says on the silo and is audited with the
/// RA's user id and role profile id; every refusal is a page with its code and status, audited, and changes nothing.
/// </summary>
public sealed class RaConsoleTests(RaConsoleHost host) : IClassFixture<RaConsoleHost>
{
    [Fact]
    public async Task An_RA_role_lands_on_the_console_and_sees_a_users_live_sessions_in_its_organisation()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);

        var landing = await ra.GetAsync("/business-function");
        Assert.Equal("/ra", landing.Headers.Location?.OriginalString);
        var page = await ra.GetStringAsync("/ra/users/" + SamOkafor);

        Assert.Contains("Sam Okafor", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"session-" + sam.SessionId + "\"", page, StringComparison.Ordinal);
        Assert.Contains(sam.WorkstationId, page, StringComparison.Ordinal);
        Assert.Contains("Kent Community Health NHS Foundation Trust (RYY)", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"card-" + sam.CardId + "\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ending_one_session_ends_it_as_ended_by_ra_and_audits_who_did_it()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var other = await host.StartSessionAsync(SamOkafor);
        var (ra, raSession) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var page = await ra.GetStringAsync("/ra/users/" + SamOkafor);

        var ended = await ra.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession",
            Form(page, ("sessionId", sam.SessionId), ("reason", "left the building")));

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal($"/ra/users/{SamOkafor}?ended=1", ended.Headers.Location?.OriginalString);
        Assert.Equal(SessionEndReason.EndedByRa, (await sam.Grain.GetAsync())!.EndReason);
        Assert.True((await other.Grain.GetAsync())!.IsLive);
        var byRa = Assert.Single(await host.RecordsOfAsync(HelenBrooks, since), r => r.Event == AuditEvent.SessionsEndedByRa);
        Assert.Equal(HelenRaRole, byRa.RoleProfileId);
        Assert.Equal("RYY", byRa.OdsCode);
        Assert.Equal(sam.SessionId, byRa.SessionId);
        Assert.Equal($"ra.end-session user {SamOkafor}: left the building", byRa.Reason);
        var end = Assert.Single(await host.Audit.QueryAsync(new AuditQuery(SessionId: sam.SessionId)), r => r.Event == AuditEvent.SessionEnded);
        Assert.Equal("ended-by-ra", end.Reason);
        Assert.True((await raSession.Grain.GetAsync())!.IsLive);
    }

    [Fact]
    public async Task Ending_all_of_a_users_sessions_ends_every_live_one_in_the_organisation()
    {
        var first = await host.StartSessionAsync(SamOkafor);
        var second = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var page = await ra.GetStringAsync("/ra/users/" + SamOkafor);

        var ended = await ra.PostAsync($"/ra/users/{SamOkafor}?handler=EndAll", Form(page, ("reason", "account under review")));

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal(SessionEndReason.EndedByRa, (await first.Grain.GetAsync())!.EndReason);
        Assert.Equal(SessionEndReason.EndedByRa, (await second.Grain.GetAsync())!.EndReason);
        var record = Assert.Single(await host.RecordsOfAsync(HelenBrooks, since), r => r.Event == AuditEvent.SessionsEndedByRa);
        Assert.StartsWith($"ra.end-user-sessions user {SamOkafor} (", record.Reason, StringComparison.Ordinal);
        Assert.Contains("no-sessions", await ra.GetStringAsync("/ra/users/" + SamOkafor), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workstations_page_lists_its_sessions_in_the_organisation_and_ends_one()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var page = await ra.GetStringAsync("/ra/workstations/" + sam.WorkstationId);
        Assert.Contains("data-testid=\"session-" + sam.SessionId + "\"", page, StringComparison.Ordinal);

        var ended = await ra.PostAsync($"/ra/workstations/{sam.WorkstationId}?handler=EndSession",
            Form(page, ("sessionId", sam.SessionId), ("reason", "shared workstation left logged in")));

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal(SessionEndReason.EndedByRa, (await sam.Grain.GetAsync())!.EndReason);
    }

    [Fact]
    public async Task Revoking_a_card_after_its_confirmation_ends_its_session_and_refuses_its_next_login()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var confirmation = await ra.GetAsync($"/ra/cards/{sam.CardId}/revoke");
        var page = await confirmation.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, confirmation.StatusCode);
        Assert.Contains("Revoke this smartcard?", page, StringComparison.Ordinal);
        Assert.Contains("Sam Okafor (" + SamOkafor + ")", page, StringComparison.Ordinal);
        Assert.Equal(CardState.Authenticated, (await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetAsync()).State);

        var revoked = await ra.PostAsync($"/ra/cards/{sam.CardId}/revoke", Form(page, ("reason", "card reported lost")));

        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal($"/ra/users/{SamOkafor}?revoked={sam.CardId}", revoked.Headers.Location?.OriginalString);
        var card = host.Grains.GetGrain<ICardGrain>(sam.CardId);
        Assert.Equal(CardState.Revoked, (await card.GetAsync()).State);
        Assert.Equal(SessionEndReason.Revoked, (await sam.Grain.GetAsync())!.EndReason);
        Assert.Equal(RefusalCodes.CardRevoked, (await card.InsertedAsync(sam.WorkstationId)).Refusal?.Code);
        Assert.Equal(RefusalCodes.CardRevoked, (await card.LogInAsync(sam.WorkstationId, SamOkafor)).Refusal?.Code);
        var record = Assert.Single(await host.RecordsOfAsync(HelenBrooks, since), r => r.Event == AuditEvent.CardRevokedByRa);
        Assert.Equal((HelenRaRole, sam.CardId, $"ra.revoke-card user {SamOkafor}: card reported lost"), (record.RoleProfileId, record.CardId, record.Reason));
        Assert.Single(await host.Audit.QueryAsync(new AuditQuery(CardId: sam.CardId)), r => r.Event == AuditEvent.CardRevoked);
    }

    [Fact]
    public async Task An_RA_of_another_organisation_is_refused_each_action_with_a_403_page_audited_and_nothing_changes()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (owen, _) = await host.LogInAsync(OwenPrice);
        var console = await owen.GetStringAsync("/ra");
        var since = DateTimeOffset.UtcNow;

        var view = await owen.GetAsync("/ra/users/" + SamOkafor);
        var end = await owen.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession", Form(console, ("sessionId", sam.SessionId), ("reason", "not mine to end")));
        var endAll = await owen.PostAsync($"/ra/users/{SamOkafor}?handler=EndAll", Form(console, ("reason", "not mine to end")));
        var confirm = await owen.GetAsync($"/ra/cards/{sam.CardId}/revoke");
        var revoke = await owen.PostAsync($"/ra/cards/{sam.CardId}/revoke", Form(console, ("reason", "not mine to revoke")));
        var workstation = await owen.GetStringAsync("/ra/workstations/" + sam.WorkstationId);

        foreach (var refused in new[] { view, end, endAll, confirm, revoke })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Contains("This is outside the organisations your RA role covers.", body, StringComparison.Ordinal);
            Assert.Contains(">ra.out-of-scope<", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(sam.SessionId, workstation, StringComparison.Ordinal);
        Assert.Contains("1 other live session(s)", workstation, StringComparison.Ordinal);
        Assert.True((await sam.Grain.GetAsync())!.IsLive);
        Assert.Equal(CardState.Authenticated, (await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetAsync()).State);
        var records = await host.RecordsOfAsync(OwenPrice, since);
        Assert.Equal(5, records.Count(r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaOutOfScope, RoleProfileId: "555021935122", OdsCode: "E82665" }));
        Assert.DoesNotContain(records, r => r.Event is AuditEvent.SessionsEndedByRa or AuditEvent.CardRevokedByRa);
    }

    [Fact]
    public async Task A_smartcard_administrator_may_look_but_not_revoke_or_end_sessions()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (lena, _) = await host.LogInAsync(LenaFischer);
        var page = await lena.GetStringAsync("/ra/users/" + SamOkafor);
        Assert.Contains("data-testid=\"session-" + sam.SessionId + "\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("End this session", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/revoke", page, StringComparison.Ordinal);
        var since = DateTimeOffset.UtcNow;

        var end = await lena.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession", Form(page, ("sessionId", sam.SessionId), ("reason", "trying anyway")));
        var revoke = await lena.PostAsync($"/ra/cards/{sam.CardId}/revoke", Form(page, ("reason", "trying anyway")));

        Assert.Equal(HttpStatusCode.Forbidden, end.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Contains(">ra.not-permitted<", await revoke.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await sam.Grain.GetAsync())!.IsLive);
        Assert.Equal(CardState.Authenticated, (await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetAsync()).State);
        Assert.Equal(2, (await host.RecordsOfAsync(LenaFischer, since)).Count(r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaNotPermitted }));
    }

    [Fact]
    public async Task A_user_without_an_RA_role_is_refused_the_console_and_the_refusal_is_audited()
    {
        var (amelia, session) = await host.LogInAsync(AmeliaHart);
        var since = DateTimeOffset.UtcNow;

        var console = await amelia.GetAsync("/ra/users/" + SamOkafor);

        Assert.Equal(HttpStatusCode.Forbidden, console.StatusCode);
        Assert.Contains(">ra.not-an-ra<", await console.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await host.RecordsOfAsync(AmeliaHart, since), r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaNotAnRa } && r.SessionId == session.SessionId);
    }

    [Fact]
    public async Task A_post_without_the_pages_anti_forgery_token_or_without_a_reason_changes_nothing()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var page = await ra.GetStringAsync($"/ra/cards/{sam.CardId}/revoke");

        var forged = await ra.PostAsync($"/ra/cards/{sam.CardId}/revoke",
            new FormUrlEncodedContent([new("reason", "cross-site attempt")]));
        var noReason = await ra.PostAsync($"/ra/cards/{sam.CardId}/revoke", Form(page, ("reason", " ")));
        var endNoReason = await ra.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession", Form(page, ("sessionId", sam.SessionId)));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("Give a reason", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, endNoReason.StatusCode);
        Assert.Contains(">ra.reason-required<", await endNoReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await sam.Grain.GetAsync())!.IsLive);
        Assert.Equal(CardState.Authenticated, (await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetAsync()).State);
    }
}
