using System.Net;
using Ers.Audit;
using Ers.Staff;
using Ers.Testing.Staff;
using static Ers.Web.Tests.Ra.RaConsoleHost;

namespace Ers.Web.Tests.Ra;

/// <summary>The console's user search: by user ID or by name, within the RA's organisations only, kept by the directory imports.</summary>
public sealed class RaUserSearchTests(RaConsoleHost host) : IClassFixture<RaConsoleHost>
{
    [Fact]
    public async Task A_name_finds_the_users_of_the_RAs_organisation_and_not_those_of_another()
    {
        var (helen, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);
        var (owen, _) = await host.LogInAsync(OwenPrice);

        var atRyy = await helen.GetStringAsync("/ra?user=kowal");
        var fromE82665 = await owen.GetStringAsync("/ra?user=kowal");
        var amelia = await owen.GetStringAsync("/ra?user=amelia+hart");
        var byId = await helen.GetAsync("/ra?user=" + SamOkafor);
        var tooShort = await helen.GetAsync("/ra?user=k");

        Assert.Contains("href=\"/ra/users/555294209111\"", atRyy, StringComparison.Ordinal);
        Assert.Contains("Tomasz Kowalczyk (555294209111)", atRyy, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"users-none\"", fromE82665, StringComparison.Ordinal);
        Assert.Contains($"href=\"/ra/users/{AmeliaHart}\"", amelia, StringComparison.Ordinal);
        Assert.Equal("/ra/users/" + SamOkafor, byId.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("Enter 2 to 100 characters of the name", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_an_RA_import_adds_is_found_by_name_and_one_it_removes_from_the_organisation_is_not()
    {
        var id = "5554" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var surname = "Zephyrine" + Random.Shared.Next(1000, 9999);
        var user = new StaffUser(id, "Dr Ada " + surname, [new(id[..11] + "7", "RYY", "Kent Community Health NHS Foundation Trust", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1110"])]);
        var (ra, _) = await host.LogInAsync(HelenBrooks, HelenRaRole);

        await ApplyAsync(ra, StaffDirectoryJson.Of(user), "starter");
        var added = await ra.GetStringAsync("/ra?user=" + surname);
        await ApplyAsync(ra, StaffDirectoryJson.Of(user with { RoleProfiles = [] }), "leaver");
        var removed = await ra.GetStringAsync("/ra?user=" + surname);

        Assert.Contains($"href=\"/ra/users/{id}\"", added, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"users-none\"", removed, StringComparison.Ordinal);
        Assert.Contains(await host.RecordsOfAsync(HelenBrooks, DateTimeOffset.UtcNow.AddMinutes(-1)), r => r.Event == AuditEvent.DirectoryChangedByRa && r.Reason!.Contains(id, StringComparison.Ordinal));
    }

    private static async Task ApplyAsync(HttpClient ra, string file, string reason)
    {
        using var directory = System.Text.Json.JsonDocument.Parse(file);
        var preview = await ra.PostAsync("/api/admin/v1/directory/preview", System.Net.Http.Json.JsonContent.Create(new { directory = directory.RootElement }));
        using var plan = System.Text.Json.JsonDocument.Parse(await preview.Content.ReadAsStringAsync());
        var fingerprint = plan.RootElement.GetProperty("plan").GetProperty("fingerprint").GetString();
        var applied = await ra.PostAsync("/api/admin/v1/directory/apply", System.Net.Http.Json.JsonContent.Create(new { directory = directory.RootElement, fingerprint, reason }));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
    }
}
