using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Audit;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Staff;
using static Ers.Web.Tests.Ra.RaConsoleHost;

namespace Ers.Web.Tests.Ra;

/// <summary>
/// A bulk directory import in the RA console and the admin API: the preview shows what would change and which live
/// sessions would end and changes nothing; the apply changes the directory, ends the sessions in removed or changed
/// roles (their pages say why), offers added roles at the next login, and is audited; outside the RA's organisations
/// or permissions it is a 403, audited.
/// </summary>
public sealed partial class RaDirectoryTests(RaConsoleHost host) : IClassFixture<RaConsoleHost>
{
    private static string NewId() => "5552" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    private static RoleProfile Profile(string ods, params string[] activities) =>
        new(NewId(), ods, ods == "RYY" ? "Kent Community Health NHS Foundation Trust" : "Organisation " + ods,
            "S8000:G8000:R8000", "Clinical Practitioner Access Role", activities);

    private async Task<StaffUser> NewUserAsync(string name, params RoleProfile[] profiles)
    {
        var user = new StaffUser(NewId(), name, profiles);
        await host.Grains.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        return user;
    }

    [Fact]
    public async Task The_preview_shows_every_change_and_the_sessions_that_would_end_and_only_the_apply_changes_the_directory()
    {
        var kept = Profile("RYY", "B1110");
        var removed = Profile("RYY", "B1120");
        var elsewhere = Profile("E82665", "B1101");
        var changing = await NewUserAsync("Dr Changing", kept, removed, elsewhere);
        var leaving = await NewUserAsync("Dr Leaving", Profile("RYY", "B1110"));
        var joiner = new StaffUser(NewId(), "Dr Joining", [Profile("RYY", "B1110")]);
        var added = Profile("RYY", "B1115");
        var (victim, victimSession) = await host.LogInAsync(changing.UserId, removed.RoleProfileId);
        var survivor = await host.StartSessionAsync(changing.UserId, kept.RoleProfileId);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var since = DateTimeOffset.UtcNow;
        var file = StaffDirectoryJson.Of(changing with { RoleProfiles = [kept, added] }, leaving with { RoleProfiles = [] }, joiner);

        var form = await ra.GetStringAsync("/ra/directory");
        var previewResponse = await ra.PostAsync("/ra/directory?handler=Preview", Upload(form, file));
        var preview = await previewResponse.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, previewResponse.StatusCode);
        Assert.Equal("1", TestId(preview, "users-added"));
        Assert.Equal("1", TestId(preview, "users-removed"));
        Assert.Equal("1", TestId(preview, "users-changed"));
        Assert.Equal("2", TestId(preview, "profiles-added"));
        Assert.Equal("2", TestId(preview, "profiles-removed"));
        Assert.Equal("1", TestId(preview, "sessions-to-end-count"));
        Assert.Contains("data-testid=\"session-" + victimSession.SessionId + "\"", preview, StringComparison.Ordinal);
        Assert.DoesNotContain(survivor.SessionId, preview, StringComparison.Ordinal);
        Assert.Contains(removed.RoleProfileId, TestId(preview, "removed-" + changing.UserId), StringComparison.Ordinal);
        Assert.Contains(added.RoleProfileId, TestId(preview, "added-" + changing.UserId), StringComparison.Ordinal);
        Assert.True((await victimSession.Grain.GetAsync())!.IsLive);
        Assert.Equal(3, (await host.Grains.GetGrain<IUserGrain>(changing.UserId).GetProfileAsync())!.RoleProfiles.Count);
        Assert.Null(await host.Grains.GetGrain<IUserGrain>(joiner.UserId).GetProfileAsync());

        var applyResponse = await ra.PostAsync("/ra/directory?handler=Apply", RaConsoleHost.Form(preview,
            ("directory", file), ("fingerprint", Hidden(preview, "fingerprint")), ("reason", "December starters and leavers")));
        var applied = await applyResponse.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, applyResponse.StatusCode);
        Assert.Contains("1 live session(s) ended", applied, StringComparison.Ordinal);
        Assert.Equal(SessionEndReason.RoleRemoved, (await victimSession.Grain.GetAsync())!.EndReason);
        Assert.True((await survivor.Grain.GetAsync())!.IsLive);
        Assert.Equal([elsewhere.RoleProfileId, kept.RoleProfileId, added.RoleProfileId],
            (await host.Grains.GetGrain<IUserGrain>(changing.UserId).GetProfileAsync())!.RoleProfiles.Select(p => p.RoleProfileId));
        Assert.Empty((await host.Grains.GetGrain<IUserGrain>(leaving.UserId).GetProfileAsync())!.RoleProfiles);
        Assert.Equal("Dr Joining", (await host.Grains.GetGrain<IUserGrain>(joiner.UserId).GetProfileAsync())!.Name);

        // The user's own browser is told why, and the next login offers the added role.
        string page = "";
        await Ers.Testing.Eventually.TrueAsync(async () => (page = await FollowAsync(victim, "/home")).Contains("Your session has ended", StringComparison.Ordinal),
            "the ended session's page to say it ended", TimeSpan.FromSeconds(10));
        Assert.Contains("your role profile was removed or changed in the staff directory", page, StringComparison.Ordinal);
        var next = await host.StartSessionAsync(changing.UserId);
        Assert.Contains(added.RoleProfileId, (await next.Grain.GetAsync())!.AvailableRoles.Select(r => r.RoleProfileId));

        var records = await host.RecordsOfAsync(HelenBrooks, since);
        Assert.Single(records, r => r.Event == AuditEvent.DirectoryPreviewedByRa && r.Reason!.Contains("1 live sessions would end", StringComparison.Ordinal));
        var changes = records.Where(r => r.Event == AuditEvent.DirectoryChangedByRa).ToList();
        Assert.Equal(3, changes.Count);
        Assert.All(changes, r => Assert.Equal((HelenRaRole, "RYY"), (r.RoleProfileId, r.OdsCode)));
        Assert.Contains(changes, r => r.Reason!.Contains($"user {changing.UserId} changed; added {added.RoleProfileId}; removed {removed.RoleProfileId}", StringComparison.Ordinal)
            && r.Reason.EndsWith(": December starters and leavers", StringComparison.Ordinal));
        var end = Assert.Single(await host.Audit.QueryAsync(new AuditQuery(SessionId: victimSession.SessionId)), r => r.Event == AuditEvent.SessionEnded);
        Assert.Equal("role-removed", end.Reason);
    }

    [Fact]
    public async Task An_apply_whose_directory_changed_since_the_preview_is_refused_and_changes_nothing()
    {
        var role = Profile("RYY", "B1110");
        var user = await NewUserAsync("Dr Moving", role, Profile("RYY", "B1120"));
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var file = StaffDirectoryJson.Of(user with { RoleProfiles = [role] });
        var form = await ra.GetStringAsync("/ra/directory");
        var preview = await (await ra.PostAsync("/ra/directory?handler=Preview", Upload(form, file))).Content.ReadAsStringAsync();
        var changedMeanwhile = user with { Name = "Dr Moved" };
        await host.Grains.GetGrain<IUserGrain>(user.UserId).ImportAsync(changedMeanwhile);

        var apply = await ra.PostAsync("/ra/directory?handler=Apply", RaConsoleHost.Form(preview,
            ("directory", file), ("fingerprint", Hidden(preview, "fingerprint")), ("reason", "role tidy-up")));

        Assert.Equal(HttpStatusCode.Conflict, apply.StatusCode);
        Assert.Contains(">directory.changed-since-preview<", await apply.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(changedMeanwhile, await host.Grains.GetGrain<IUserGrain>(user.UserId).GetProfileAsync());
    }

    [Fact]
    public async Task A_file_over_one_megabyte_is_refused_413_audited_and_changes_nothing()
    {
        var user = await NewUserAsync("Dr Large", Profile("RYY", "B1110"));
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var file = StaffDirectoryJson.Of(user with { Name = "Dr Large " + new string('x', 1024 * 1024) }); // valid JSON, too big
        var since = DateTimeOffset.UtcNow;

        var refused = await ra.PostAsync("/ra/directory?handler=Preview", Upload(await ra.GetStringAsync("/ra/directory"), file));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains(">directory.too-large<", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(user, await host.Grains.GetGrain<IUserGrain>(user.UserId).GetProfileAsync());
        Assert.Contains(await host.RecordsOfAsync(HelenBrooks, since), r => r is { Event: AuditEvent.Refused, Reason: not null } && r.Reason.StartsWith("directory.too-large", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_RA_of_another_organisation_or_without_the_position_permission_is_refused_a_403_audited()
    {
        var user = await NewUserAsync("Dr Ryy", Profile("RYY", "B1110"));
        var file = StaffDirectoryJson.Of(user with { RoleProfiles = [] });
        var (owen, _) = await host.LogInAsync(OwenPrice);
        var (lena, _) = await host.LogInAsync(LenaFischer);
        var since = DateTimeOffset.UtcNow;

        var outside = await owen.PostAsync("/ra/directory?handler=Preview", Upload(await owen.GetStringAsync("/ra/directory"), file));
        var apply = await owen.PostAsync("/ra/directory?handler=Apply", RaConsoleHost.Form(await owen.GetStringAsync("/ra/directory"),
            ("directory", file), ("fingerprint", new string('0', 64)), ("reason", "not mine to change")));
        var notPermitted = await lena.PostAsync("/ra/directory?handler=Preview", Upload(await lena.GetStringAsync("/ra/directory"), file));

        // Owen's file only removes a role at RYY: he covers E82665, so the user's RYY role is kept, as the file cannot touch it.
        Assert.Equal(HttpStatusCode.OK, outside.StatusCode);
        Assert.Equal("0", TestId(await outside.Content.ReadAsStringAsync(), "profiles-removed"));
        Assert.Equal(HttpStatusCode.Forbidden, notPermitted.StatusCode);
        Assert.Contains(">ra.not-permitted<", await notPermitted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var giving = StaffDirectoryJson.Of(user with { RoleProfiles = [Profile("RYY", "B1110")] });
        var refused = await owen.PostAsync("/ra/directory?handler=Preview", Upload(await owen.GetStringAsync("/ra/directory"), giving));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains(">ra.out-of-scope<", body, StringComparison.Ordinal);
        Assert.Contains("outside the organisations your RA role covers", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, apply.StatusCode);
        Assert.Single((await host.Grains.GetGrain<IUserGrain>(user.UserId).GetProfileAsync())!.RoleProfiles);
        Assert.Single(await host.RecordsOfAsync(OwenPrice, since), r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaOutOfScope });
        Assert.Single(await host.RecordsOfAsync(LenaFischer, since), r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.RaNotPermitted });
        Assert.DoesNotContain(await host.RecordsOfAsync(OwenPrice, since), r => r.Event == AuditEvent.DirectoryChangedByRa);
    }

    [Fact]
    public async Task The_admin_API_previews_and_applies_the_same_import_and_answers_a_bad_file_with_a_problem()
    {
        var role = Profile("RYY", "B1110");
        var removed = Profile("RYY", "B1120");
        var user = await NewUserAsync("Dr Api", role, removed);
        var session = await host.StartSessionAsync(user.UserId, removed.RoleProfileId);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        using var directory = JsonDocument.Parse(StaffDirectoryJson.Of(user with { RoleProfiles = [role] }));

        var previewResponse = await ra.PostAsync("/api/admin/v1/directory/preview", JsonContent.Create(new { directory = directory.RootElement }));
        Assert.Equal(HttpStatusCode.OK, previewResponse.StatusCode);
        using var preview = JsonDocument.Parse(await previewResponse.Content.ReadAsStringAsync());
        var plan = preview.RootElement.GetProperty("plan");
        Assert.Equal("Changed", plan.GetProperty("changes")[0].GetProperty("kind").GetString());
        Assert.Equal(removed.RoleProfileId, plan.GetProperty("changes")[0].GetProperty("profilesRemoved")[0].GetProperty("roleProfileId").GetString());
        Assert.Equal(session.SessionId, preview.RootElement.GetProperty("sessionsToEnd")[0].GetProperty("sessionId").GetString());
        Assert.True((await session.Grain.GetAsync())!.IsLive);

        var noReason = await ra.PostAsync("/api/admin/v1/directory/apply",
            JsonContent.Create(new { directory = directory.RootElement, fingerprint = plan.GetProperty("fingerprint").GetString(), reason = "" }));
        var applied = await ra.PostAsync("/api/admin/v1/directory/apply",
            JsonContent.Create(new { directory = directory.RootElement, fingerprint = plan.GetProperty("fingerprint").GetString(), reason = "role tidy-up" }));
        var invalid = await ra.PostAsync("/api/admin/v1/directory/preview", JsonContent.Create(new { directory = new { users = new[] { new { uuid = "bad" } } } }));

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        using var answer = JsonDocument.Parse(await applied.Content.ReadAsStringAsync());
        Assert.Equal(session.SessionId, answer.RootElement.GetProperty("sessionsEnded")[0].GetString());
        Assert.Equal(SessionEndReason.RoleRemoved, (await session.Grain.GetAsync())!.EndReason);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var problem = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync());
        Assert.Equal(RefusalCodes.DirectoryInvalid, problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("users[0].uuid", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Upload(string page, string file)
    {
        var content = new MultipartFormDataContent { { new StringContent(Token(page)), "__RequestVerificationToken" } };
        var part = new StringContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(part, "directory", "directory.json");
        return content;
    }

    private static async Task<string> FollowAsync(HttpClient browser, string path)
    {
        for (var i = 0; i < 4; i++)
        {
            var response = await browser.GetAsync(path);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                return await response.Content.ReadAsStringAsync();
            }

            path = response.Headers.Location!.OriginalString;
        }

        return "";
    }

    private static string TestId(string page, string id) =>
        Regex.Match(page, $"data-testid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</", RegexOptions.Singleline) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value).Trim()
            : throw new InvalidOperationException($"The page has no element {id}.");

    private static string Hidden(string page, string name) =>
        Regex.Match(page, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"") is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"The page has no field {name}.");
}
