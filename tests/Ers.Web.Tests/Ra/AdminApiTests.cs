using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using static Ers.Web.Tests.Ra.RaConsoleHost;

namespace Ers.Web.Tests.Ra;

/// <summary>
/// <c>/api/admin/v1</c> on the RA's browser session: the same actions as the console through the same RA grain, each
/// refusal a problem with a stable code and status, audited, changing nothing.
/// </summary>
public sealed class AdminApiTests(RaConsoleHost host) : IClassFixture<RaConsoleHost>
{
    private static async Task<string> CodeOfAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task Without_a_live_session_cookie_every_route_is_a_401_problem()
    {
        var (browser, session) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        await session.Grain.EndAsync(SessionEndReason.Logout);
        using var anonymous = host.Anonymous();

        // The node learns the end by a push (or within its view's 1 s bound); until then the RA grain refuses it itself.
        HttpResponseMessage ended = null!;
        await Ers.Testing.Eventually.TrueAsync(async () => (ended = await browser.GetAsync("/api/admin/v1/me")).StatusCode == HttpStatusCode.Unauthorized,
            "the ended session's cookie to be refused as no session", TimeSpan.FromSeconds(10));
        var none = await anonymous.PostAsync("/api/admin/v1/cards/card-x/revoke", JsonContent.Create(new { reason = "card reported lost" }));

        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Equal("session.required", await CodeOfAsync(ended));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("session.required", await CodeOfAsync(none));
    }

    [Fact]
    public async Task An_RA_reads_who_it_is_a_user_and_a_workstation()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);

        using var me = JsonDocument.Parse(await ra.GetStringAsync("/api/admin/v1/me"));
        using var user = JsonDocument.Parse(await ra.GetStringAsync("/api/admin/v1/users/" + SamOkafor));
        using var workstation = JsonDocument.Parse(await ra.GetStringAsync("/api/admin/v1/workstations/" + sam.WorkstationId));

        Assert.Equal(HelenRaRole, me.RootElement.GetProperty("roleProfileId").GetString());
        Assert.Equal("RYY", me.RootElement.GetProperty("odsCode").GetString());
        Assert.Contains(me.RootElement.GetProperty("permissions").EnumerateArray(), p => p.GetString() == "Revoke");
        Assert.Contains(user.RootElement.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sessionId").GetString() == sam.SessionId);
        Assert.Contains(workstation.RootElement.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sessionId").GetString() == sam.SessionId);
    }

    [Fact]
    public async Task An_RA_ends_a_session_ends_all_of_a_users_and_revokes_a_card_each_audited()
    {
        var one = await host.StartSessionAsync(SamOkafor);
        var all = await host.StartSessionAsync(SamOkafor);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;

        var ended = await ra.PostAsync($"/api/admin/v1/sessions/{one.SessionId}/end", JsonContent.Create(new { reason = "service desk request" }));
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(SessionEndReason.EndedByRa, (await one.Grain.GetAsync())!.EndReason);

        var endedAll = await ra.PostAsync($"/api/admin/v1/users/{SamOkafor}/sessions/end", JsonContent.Create(new { reason = "service desk request" }));
        Assert.Equal(HttpStatusCode.OK, endedAll.StatusCode);
        Assert.Equal(SessionEndReason.EndedByRa, (await all.Grain.GetAsync())!.EndReason);

        var revoked = await ra.PostAsync($"/api/admin/v1/cards/{all.CardId}/revoke", JsonContent.Create(new { reason = "card reported stolen" }));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var card = JsonDocument.Parse(await revoked.Content.ReadAsStringAsync());
        Assert.Equal("Revoked", card.RootElement.GetProperty("state").GetString());
        Assert.Equal(CardState.Revoked, (await host.Grains.GetGrain<ICardGrain>(all.CardId).GetAsync()).State);

        var records = await host.RecordsOfAsync(HelenBrooks, since);
        Assert.Equal(2, records.Count(r => r is { Event: AuditEvent.SessionsEndedByRa, RoleProfileId: HelenRaRole }));
        Assert.Single(records, r => r is { Event: AuditEvent.CardRevokedByRa, RoleProfileId: HelenRaRole } && r.CardId == all.CardId);
    }

    [Fact]
    public async Task Refusals_are_problems_with_stable_codes_audited_and_change_nothing()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        var (owen, _) = await host.LogInAsync(OwenPrice);
        var (lena, _) = await host.LogInAsync(LenaFischer);
        var (helen, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;

        var cases = new (HttpResponseMessage Response, HttpStatusCode Status, string Code)[]
        {
            (await owen.GetAsync("/api/admin/v1/users/" + SamOkafor), HttpStatusCode.Forbidden, "ra.out-of-scope"),
            (await owen.PostAsync($"/api/admin/v1/sessions/{sam.SessionId}/end", JsonContent.Create(new { reason = "not mine" })), HttpStatusCode.Forbidden, "ra.out-of-scope"),
            (await owen.PostAsync($"/api/admin/v1/users/{SamOkafor}/sessions/end", JsonContent.Create(new { reason = "not mine" })), HttpStatusCode.Forbidden, "ra.out-of-scope"),
            (await owen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/revoke", JsonContent.Create(new { reason = "not mine" })), HttpStatusCode.Forbidden, "ra.out-of-scope"),
            (await lena.PostAsync($"/api/admin/v1/cards/{sam.CardId}/revoke", JsonContent.Create(new { reason = "not allowed" })), HttpStatusCode.Forbidden, "ra.not-permitted"),
            (await helen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/revoke", JsonContent.Create(new { reason = "" })), HttpStatusCode.BadRequest, "ra.reason-required"),
            (await helen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/revoke", new StringContent("reason=lost", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")), HttpStatusCode.BadRequest, "request.malformed"),
            (await helen.PostAsync($"/api/admin/v1/sessions/{sam.SessionId}/end", new StringContent("{\"reason\":", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "request.malformed"),
            (await helen.GetAsync("/api/admin/v1/users/999999999999"), HttpStatusCode.NotFound, "user.unknown"),
            (await helen.PostAsync("/api/admin/v1/sessions/no-such-session/end", JsonContent.Create(new { reason = "gone" })), HttpStatusCode.NotFound, "session.unknown"),
        };

        foreach (var (response, status, code) in cases)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, await CodeOfAsync(response));
        }

        Assert.True((await sam.Grain.GetAsync())!.IsLive);
        Assert.Equal(CardState.Authenticated, (await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetAsync()).State);
        Assert.Equal(4, (await host.RecordsOfAsync(OwenPrice, since)).Count(r => r is { Event: AuditEvent.Refused, Reason: "ra.out-of-scope" }));
        Assert.Single(await host.RecordsOfAsync(LenaFischer, since), r => r is { Event: AuditEvent.Refused, Reason: "ra.not-permitted" });
        Assert.Single(await host.RecordsOfAsync(HelenBrooks, since), r => r is { Event: AuditEvent.Refused, Reason: "ra.reason-required" });
    }

    [Fact]
    public async Task An_RAs_revocations_list_the_certificates_its_revokes_made_and_another_organisation_is_refused()
    {
        var sam = await host.StartSessionAsync(SamOkafor);
        // The certificate the card logged in with, as a login tells the cluster (one-way), landed in the card grain.
        var (issuer, serial) = ("C0FFEE" + Guid.NewGuid().ToString("N").ToUpperInvariant(), "7E" + Random.Shared.Next(1, int.MaxValue).ToString("X8"));
        await host.Grains.GetGrain<Ers.Revocation.ICertificateGrain>($"{issuer}/{serial}").BindAsync(sam.CardId);
        await Ers.Testing.Eventually.TrueAsync(async () => (await host.Grains.GetGrain<ICardGrain>(sam.CardId).GetCertificatesAsync()).Count == 1,
            "the card to know its certificate", TimeSpan.FromSeconds(10));
        var (helen, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var (owen, _) = await host.LogInAsync(OwenPrice);
        var (lena, _) = await host.LogInAsync(LenaFischer);
        using var anonymous = host.Anonymous();
        var since = DateTimeOffset.UtcNow;

        Assert.Equal(HttpStatusCode.OK, (await helen.PostAsync($"/api/admin/v1/cards/{sam.CardId}/revoke", JsonContent.Create(new { reason = "card reported stolen" }))).StatusCode);
        using var list = JsonDocument.Parse(await helen.GetStringAsync("/api/admin/v1/revocations"));
        using var lenas = JsonDocument.Parse(await lena.GetStringAsync("/api/admin/v1/revocations?odsCode=RYY"));
        using var owens = JsonDocument.Parse(await owen.GetStringAsync("/api/admin/v1/revocations"));
        var outOfScope = await owen.GetAsync("/api/admin/v1/revocations?odsCode=RYY");
        var none = await anonymous.GetAsync("/api/admin/v1/revocations");

        Assert.Equal("RYY", list.RootElement.GetProperty("odsCode").GetString());
        var entry = Assert.Single(list.RootElement.GetProperty("revocations").EnumerateArray(), r => r.GetProperty("serialNumber").GetString() == serial);
        Assert.Equal((issuer, sam.CardId, HelenBrooks, HelenRaRole, "RYY", "card reported stolen"),
            (entry.GetProperty("issuerHash").GetString(), entry.GetProperty("cardId").GetString(), entry.GetProperty("revokedBy").GetString(),
                entry.GetProperty("roleProfileId").GetString(), entry.GetProperty("odsCode").GetString(), entry.GetProperty("reason").GetString()));
        Assert.True(entry.GetProperty("revokedAt").GetDateTimeOffset() >= since.AddSeconds(-1));
        Assert.Contains(lenas.RootElement.GetProperty("revocations").EnumerateArray(), r => r.GetProperty("serialNumber").GetString() == serial);
        Assert.Equal("E82665", owens.RootElement.GetProperty("odsCode").GetString());
        Assert.DoesNotContain(owens.RootElement.GetProperty("revocations").EnumerateArray(), r => r.GetProperty("serialNumber").GetString() == serial);
        Assert.Equal(HttpStatusCode.Forbidden, outOfScope.StatusCode);
        Assert.Equal("ra.out-of-scope", await CodeOfAsync(outOfScope));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Single(await host.RecordsOfAsync(OwenPrice, since), r => r is { Event: AuditEvent.Refused, Reason: "ra.out-of-scope" });
        var revokedRecord = Assert.Single(await host.RecordsOfAsync(HelenBrooks, since), r => r.Event == AuditEvent.CardRevokedByRa);
        Assert.Equal(("RYY", SamOkafor), (revokedRecord.OdsCode, revokedRecord.SubjectUserId));
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_admin_routes()
    {
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);

        var document = await ra.GetStringAsync("/openapi/v1.json");

        foreach (var route in new[] { "/api/admin/v1/me", "/api/admin/v1/users/{userId}", "/api/admin/v1/workstations/{workstationId}",
                     "/api/admin/v1/sessions/{sessionId}/end", "/api/admin/v1/users/{userId}/sessions/end", "/api/admin/v1/cards/{cardId}/revoke",
                     "/api/admin/v1/cards/{cardId}/unblock", "/api/admin/v1/audit", "/api/admin/v1/revocations" })
        {
            Assert.Contains("\"" + route + "\"", document, StringComparison.Ordinal);
        }
    }
}
