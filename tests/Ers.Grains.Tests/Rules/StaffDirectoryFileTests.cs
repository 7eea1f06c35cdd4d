using Ers.Grains.Staff;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

public sealed class StaffDirectoryFileTests
{
    private static string SamplePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "directory.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/directory.json not found above the test directory.");
    }

    [Fact]
    public void The_sample_directory_has_users_with_one_two_seven_and_no_roles_in_referrer_and_provider_organisations()
    {
        var result = StaffDirectoryFile.Parse(File.ReadAllText(SamplePath()));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var counts = result.Users.Select(u => u.RoleProfiles.Count).ToHashSet();
        Assert.Superset(new HashSet<int> { 0, 1, 2, 7 }, counts);
        var homepages = result.Users.SelectMany(u => u.RoleProfiles)
            .SelectMany(p => BusinessFunctions.GrantedBy(p.Activities)).Select(f => f.Homepage).ToHashSet();
        Assert.Contains(HomepageKind.Referrer, homepages);
        Assert.Contains(HomepageKind.Provider, homepages);
    }

    [Theory]
    [InlineData("""{"users":[{"uuid":"123","name":"A","roleProfiles":[]}]}""", "users[0].uuid: \"123\" must be 12 digits")]
    [InlineData("""{"users":[{"uuid":"555294209105","roleProfiles":[]}]}""", "users[0].name: required")]
    [InlineData("""{"users":[{"uuid":"555294209105","name":"A"}]}""", "users[0].roleProfiles: required")]
    [InlineData("""{"users":[{"uuid":"555294209105","name":"A","roleProfiles":[{"id":"555021935107","ods":"r y","organisation":"O","jobRoleCode":"S8000:G8000:R8000","jobRoleName":"J","activities":["B1101"]}]}]}""", "users[0].roleProfiles[0].ods: \"r y\" must be an ODS code")]
    [InlineData("""{"users":[{"uuid":"555294209105","name":"A","roleProfiles":[{"id":"555021935107","ods":"RYY","organisation":"O","jobRoleCode":"S8000:G8000:R8000","jobRoleName":"J","activities":["X"]}]}]}""", "users[0].roleProfiles[0].activities[0]: must be an activity code")]
    [InlineData("""{"users":[{"uuid":"555294209105","name":"A","roleProfiles":[]},{"uuid":"555294209105","name":"B","roleProfiles":[]}]}""", "users[1].uuid: user 555294209105 appears more than once")]
    [InlineData("""{"people":[]}""", "users: the file must be an object")]
    [InlineData("{\n  \"users\": [\n    {\"uuid\": \"555294209105\",, }\n  ]\n}", "line 3")]
    public void An_invalid_file_is_refused_naming_the_field_or_line(string json, string expected)
    {
        var result = StaffDirectoryFile.Parse(json);

        Assert.False(result.IsValid);
        Assert.Empty(result.Users);
        Assert.Contains(result.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
