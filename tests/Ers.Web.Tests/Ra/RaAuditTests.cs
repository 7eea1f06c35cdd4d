using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Audit;
using Ers.Audit.Fhir;
using Ers.Cards;
using static Ers.Web.Tests.Ra.RaConsoleHost;

namespace Ers.Web.Tests.Ra;

/// <summary>
/// The RA's audit search (<c>/ra/audit</c>, <c>/api/admin/v1/audit</c>) and PIN unblock order on the real host: the
/// silo scopes the search to the RA role's organisation and audits it; the unblock order is for the RA's workstation.
/// </summary>
public sealed partial class RaAuditTests(RaConsoleHost host) : IClassFixture<RaConsoleHost>
{
    private static string Since(DateTimeOffset since) => Uri.EscapeDataString(since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    private static async Task<string> CodeOfAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString()!;
    }

    private static IReadOnlyList<string> Events(string page) =>
        EventAttribute().Matches(page).Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public async Task An_RA_finds_its_own_actions_page_by_page_and_its_search_is_audited()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var user = await ra.GetStringAsync("/ra/users/" + SamOkafor);
        Assert.Equal(HttpStatusCode.Redirect, (await ra.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession",
            Form(user, ("sessionId", sam.SessionId), ("reason", "left the building")))).StatusCode);

        var first = await ra.GetAsync($"/ra/audit?user={HelenBrooks}&from={Since(since)}&pageSize=1");
        var firstPage = await first.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(new[] { nameof(AuditEvent.SessionsEndedByRa) }, Events(firstPage));
        Assert.Contains($"ra.end-session user {SamOkafor}: left the building", firstPage, StringComparison.Ordinal);
        var next = WebUtility.HtmlDecode(NextLink().Match(firstPage).Groups[1].Value);
        Assert.StartsWith("/ra/audit?", next, StringComparison.Ordinal);
        var second = await ra.GetStringAsync(next);
        Assert.Equal(new[] { nameof(AuditEvent.AuditSearchedByRa) }, Events(second));
        Assert.Contains("ra.audit-search ods RYY user " + HelenBrooks, second, StringComparison.Ordinal);

        var searches = (await host.RecordsOfAsync(HelenBrooks, since)).Where(r => r.Event == AuditEvent.AuditSearchedByRa).ToList();
        var search = Assert.Single(searches);
        Assert.Equal((HelenRaRole, "RYY"), (search.RoleProfileId, search.OdsCode));
    }

    [Fact]
    public async Task A_search_by_the_affected_user_or_by_the_organisation_finds_every_record_an_RA_action_wrote()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var user = await ra.GetStringAsync("/ra/users/" + SamOkafor);
        Assert.Equal(HttpStatusCode.Redirect, (await ra.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession",
            Form(user, ("sessionId", sam.SessionId), ("reason", "left the building")))).StatusCode);

        var written = (await host.Audit.QueryAsync(new AuditQuery(From: since, Limit: int.MaxValue)))
            .Where(r => r.SessionId == sam.SessionId || r.Reason?.Contains(SamOkafor, StringComparison.Ordinal) == true).ToList();
        var byUser = (await host.Audit.SearchAsync(new AuditQuery(UserId: SamOkafor, From: since, PageSize: 100))).Value!.Records;
        var byOds = (await host.Audit.SearchAsync(new AuditQuery(OdsCode: "RYY", From: since, PageSize: 100))).Value!.Records;

        var action = Assert.Single(written, r => r.Event == AuditEvent.SessionsEndedByRa);
        Assert.Equal((HelenBrooks, "RYY", SamOkafor, "RYY"), (action.UserId, action.OdsCode, action.SubjectUserId, action.SubjectOdsCode));
        Assert.Contains(written, r => r.Event == AuditEvent.SessionEnded);
        Assert.All(written, r => Assert.Contains(r.Id, byUser.Select(f => f.Id)));
        Assert.Contains(action.Id, byOds.Select(f => f.Id));
    }

    [Fact]
    public async Task The_FHIR_download_is_every_page_as_AuditEvent_lines()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var page = await ra.GetStringAsync("/ra/users/" + SamOkafor);
        await ra.PostAsync($"/ra/users/{SamOkafor}?handler=EndSession", Form(page, ("sessionId", sam.SessionId), ("reason", "shift over")));
        var link = WebUtility.HtmlDecode(DownloadLink().Match(await ra.GetStringAsync($"/ra/audit?user={HelenBrooks}&from={Since(since)}&pageSize=1")).Groups[1].Value);

        var download = await ra.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(FhirAuditExport.MediaType, download.Content.Headers.ContentType?.MediaType);
        var lines = (await download.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal("AuditEvent", json.RootElement.GetProperty("resourceType").GetString());
        }

        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.Contains("shift over", StringComparison.Ordinal));
        var records = await host.RecordsOfAsync(HelenBrooks, since);
        Assert.Single(records, r => r is { Event: AuditEvent.AuditSearchedByRa } && r.Reason!.StartsWith("ra.audit-export ods RYY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_organisation_is_refused_with_a_403_page_and_problem_audited()
    {
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;

        var page = await ra.GetAsync("/ra/audit?ods=E82665");
        var api = await ra.GetAsync("/api/admin/v1/audit?odsCode=E82665");
        var export = await ra.GetAsync("/api/admin/v1/audit?odsCode=E82665&format=fhir");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains(">ra.out-of-scope<", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal(RefusalCodes.RaOutOfScope, await CodeOfAsync(api));
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.Equal(RefusalCodes.RaOutOfScope, await CodeOfAsync(export));
        var records = await host.RecordsOfAsync(HelenBrooks, since);
        Assert.Equal(3, records.Count(r => r is { Event: AuditEvent.Refused, OdsCode: "RYY" } && r.Reason!.StartsWith("ra.out-of-scope: ra.audit-", StringComparison.Ordinal)));
        Assert.DoesNotContain(records, r => r.Event == AuditEvent.AuditSearchedByRa);
    }

    [Theory]
    [InlineData("from=2026-12-02T10:00&to=2026-12-02T09:00", "The time range is empty")]
    [InlineData("cursor=not-a-cursor", "")]
    [InlineData("from=yesterday", "Give the times as a date and time")]
    public async Task Bad_input_is_a_plain_sentence_with_400(string query, string sentence)
    {
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);

        var page = await ra.GetAsync("/ra/audit?" + query);
        var api = await ra.GetAsync("/api/admin/v1/audit?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var body = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"audit-error\"", body, StringComparison.Ordinal);
        Assert.Contains(sentence, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.NotEmpty(await CodeOfAsync(api));
    }

    [Fact]
    public async Task The_API_answers_a_page_as_JSON_with_its_cursor()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await ra.PostAsync($"/api/admin/v1/sessions/{sam.SessionId}/end", JsonContent.Create(new { reason = "left the building" }))).StatusCode);

        var first = await ra.GetFromJsonAsync<JsonElement>($"/api/admin/v1/audit?userId={HelenBrooks}&from={Since(since)}&pageSize=1");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await ra.GetFromJsonAsync<JsonElement>($"/api/admin/v1/audit?userId={HelenBrooks}&from={Since(since)}&pageSize=1&cursor={Uri.EscapeDataString(cursor!)}");

        Assert.Equal(nameof(AuditEvent.SessionsEndedByRa), first.GetProperty("records")[0].GetProperty("event").GetString());
        Assert.Equal(sam.SessionId, first.GetProperty("records")[0].GetProperty("sessionId").GetString());
        Assert.Equal(nameof(AuditEvent.AuditSearchedByRa), second.GetProperty("records")[0].GetProperty("event").GetString());
    }

    [Fact]
    public async Task Unblocking_a_blocked_card_orders_it_at_the_RAs_workstation_and_says_what_to_do_next()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var card = host.Grains.GetGrain<ICardGrain>(sam.CardId);
        Assert.True((await card.BlockedAsync(sam.WorkstationId)).IsSuccess);
        var (ra, raSession) = await host.LogInAsync(LenaFischer);
        var since = DateTimeOffset.UtcNow;
        var user = await ra.GetStringAsync("/ra/users/" + SamOkafor);
        Assert.Contains("data-testid=\"unblock-" + sam.CardId + "\"", user, StringComparison.Ordinal);

        var ordered = await ra.PostAsync($"/ra/users/{SamOkafor}?handler=Unblock", Form(user, ("cardId", sam.CardId)));

        Assert.Equal(HttpStatusCode.OK, ordered.StatusCode);
        var page = await ordered.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"ra-unblock-ordered\"", page, StringComparison.Ordinal);
        Assert.Contains("your workstation, " + raSession.WorkstationId, page, StringComparison.Ordinal);
        Assert.Contains("PUK", page, StringComparison.Ordinal);
        var order = (await card.GetAsync()).UnblockOrder;
        Assert.NotNull(order);
        Assert.Equal((raSession.WorkstationId, LenaFischer), (order.WorkstationId, order.RaUserId));
        var record = Assert.Single(await host.RecordsOfAsync(LenaFischer, since), r => r.Event == AuditEvent.CardUnblockOrderedByRa);
        Assert.Equal((sam.CardId, raSession.WorkstationId, "RYY"), (record.CardId, record.WorkstationId, record.OdsCode));
        Assert.Equal($"ra.unblock-card user {SamOkafor}: order {order.OrderId}", record.Reason);
    }

    [Fact]
    public async Task Unblock_refusals_are_pages_and_problems_that_change_nothing()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (helen, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var (owen, _) = await host.LogInAsync(OwenPrice);
        var user = await helen.GetStringAsync("/ra/users/" + SamOkafor);
        var console = await owen.GetStringAsync("/ra");
        var since = DateTimeOffset.UtcNow;

        var notBlocked = await helen.PostAsync($"/ra/users/{SamOkafor}?handler=Unblock", Form(user, ("cardId", sam.CardId)));
        var notBlockedApi = await helen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/unblock", JsonContent.Create(new { }));
        Assert.True((await host.Grains.GetGrain<ICardGrain>(sam.CardId).BlockedAsync(sam.WorkstationId)).IsSuccess);
        var outOfScope = await owen.PostAsync($"/ra/users/{SamOkafor}?handler=Unblock", Form(console, ("cardId", sam.CardId)));
        var outOfScopeApi = await owen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/unblock", JsonContent.Create(new { }));
        var noBody = await helen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/unblock", null);

        Assert.Equal(HttpStatusCode.Conflict, notBlocked.StatusCode);
        Assert.Contains(">card.not-blocked<", await notBlocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Conflict, RefusalCodes.CardNotBlocked), (notBlockedApi.StatusCode, await CodeOfAsync(notBlockedApi)));
        Assert.Equal(HttpStatusCode.Forbidden, outOfScope.StatusCode);
        Assert.Contains(">ra.out-of-scope<", await outOfScope.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Forbidden, RefusalCodes.RaOutOfScope), (outOfScopeApi.StatusCode, await CodeOfAsync(outOfScopeApi)));
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        Assert.Null((await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetAsync()).UnblockOrder);
        Assert.Equal(2, (await host.RecordsOfAsync(HelenBrooks, since)).Count(r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.CardNotBlocked, OdsCode: "RYY" }));
        Assert.Equal(2, (await host.RecordsOfAsync(OwenPrice, since)).Count(r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaOutOfScope }));
    }

    [GeneratedRegex("data-event=\"([A-Za-z]+)\"")]
    private static partial Regex EventAttribute();

    [GeneratedRegex("href=\"([^\"]+)\" data-testid=\"audit-next\"")]
    private static partial Regex NextLink();

    [GeneratedRegex("href=\"([^\"]+)\" data-testid=\"audit-download\"")]
    private static partial Regex DownloadLink();
}
