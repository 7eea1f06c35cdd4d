using Ers.Audit;
using Ers.Grains.Staff;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

[Collection(ClusterCollection.Name)]
public sealed class StaffDirectoryImporterTests(ClusterFixture fx)
{
    [Fact]
    public async Task A_file_with_one_bad_user_imports_no_user_at_all()
    {
        var good = Ids.NewDigits(12);
        var json = $$"""
            {"users":[
              {"uuid":"{{good}}","name":"Good","roleProfiles":[]},
              {"uuid":"bad","name":"Bad","roleProfiles":[]}
            ]}
            """;
        var importer = new StaffDirectoryImporter(fx.Client, fx.Audit, fx.Clock);

        var result = await importer.ImportAsync(json, "bad.json");

        Assert.False(result.IsValid);
        Assert.Null(await fx.Client.GetGrain<IUserGrain>(good).GetProfileAsync());
    }

    [Fact]
    public async Task A_valid_file_replaces_each_listed_user()
    {
        var uuid = Ids.NewDigits(12);
        var json = $$"""
            {"users":[{"uuid":"{{uuid}}","name":"Dr New","roleProfiles":[
              {"id":"{{Ids.NewDigits(12)}}","ods":"RYY","organisation":"Trust","jobRoleCode":"S8000:G8000:R8000","jobRoleName":"Clinical Practitioner Access Role","activities":["B1110"]}]}]}
            """;
        var importer = new StaffDirectoryImporter(fx.Client, fx.Audit, fx.Clock);

        var result = await importer.ImportAsync(json, "good.json");

        Assert.True(result.IsValid);
        var stored = await fx.Client.GetGrain<IUserGrain>(uuid).GetProfileAsync();
        Assert.Equal("Dr New", stored!.Name);
        Assert.Equal("RYY", Assert.Single(stored.RoleProfiles).OdsCode);
        var audit = await fx.Audit.QueryAsync(new AuditQuery());
        Assert.Contains(audit, a => a.Event == AuditEvent.DirectoryImported && a.Reason!.Contains("good.json"));
    }
}
