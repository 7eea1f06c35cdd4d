using Ers.Grains.Staff;
using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

public sealed class DirectoryChangeRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Ryy = ["RYY"];

    private static RoleProfile Profile(string id, string ods, params string[] activities) =>
        new(id, ods, "Org " + ods, "S8000:G8000:R8000", "Role " + id, activities);

    private static readonly RoleProfile AtRyy = Profile("555021935201", "RYY", "B1110");
    private static readonly RoleProfile AlsoAtRyy = Profile("555021935202", "RYY", "B1120");
    private static readonly RoleProfile Elsewhere = Profile("555021935203", "E82665", "B1101");

    private static Dictionary<string, StaffUser?> Current(params StaffUser[] users) =>
        users.ToDictionary(u => u.UserId, StaffUser? (u) => u, StringComparer.Ordinal);

    [Fact]
    public void An_RA_import_replaces_only_the_role_profiles_at_its_organisations_and_keeps_the_users_others()
    {
        var before = new StaffUser("555294209201", "Dr A", [AtRyy, Elsewhere]);
        var file = new StaffUser("555294209201", "Dr A", [AlsoAtRyy]);

        var plan = DirectoryChangeRules.Plan([file], Current(before), Ryy).Value!;

        var change = Assert.Single(plan.Changes);
        Assert.Equal(DirectoryUserChangeKind.Changed, change.Kind);
        Assert.Equal([AlsoAtRyy], change.ProfilesAdded);
        Assert.Equal([AtRyy], change.ProfilesRemoved);
        Assert.Empty(change.ProfilesChanged);
        Assert.Equal([Elsewhere, AlsoAtRyy], change.After.RoleProfiles);
        Assert.Equal(["555021935201"], change.StaleRoleProfileIds);
    }

    [Fact]
    public void Users_unknown_are_added_users_left_with_no_role_there_are_removed_and_the_same_entry_changes_nothing()
    {
        var leaving = new StaffUser("555294209202", "Dr Leaving", [AtRyy]);
        var staying = new StaffUser("555294209203", "Dr Staying", [AlsoAtRyy]);
        var joining = new StaffUser("555294209204", "Dr Joining", [Profile("555021935204", "RYY", "B1110")]);

        var plan = DirectoryChangeRules.Plan([leaving with { RoleProfiles = [] }, staying, joining], Current(leaving, staying), Ryy).Value!;

        Assert.Equal([("555294209202", DirectoryUserChangeKind.Removed), ("555294209204", DirectoryUserChangeKind.Added)],
            plan.Changes.Select(c => (c.UserId, c.Kind)));
        Assert.Equal(1, plan.UnchangedUsers);
        Assert.Equal((1, 1), (plan.ProfilesAdded, plan.ProfilesRemoved));
    }

    [Fact]
    public void A_profile_with_the_same_id_and_other_activities_is_changed_and_goes_stale_in_live_sessions()
    {
        var before = new StaffUser("555294209205", "Dr B", [AtRyy]);
        var fewer = AtRyy with { Activities = ["B1120"] };

        var change = Assert.Single(DirectoryChangeRules.Plan([before with { RoleProfiles = [fewer] }], Current(before), Ryy).Value!.Changes);

        Assert.Equal([fewer], change.ProfilesChanged);
        Assert.Empty(change.ProfilesAdded);
        Assert.Equal(["555021935201"], DirectoryChangeRules.StaleRoleProfileIds(before, change.After));
    }

    [Fact]
    public void A_file_naming_a_role_profile_at_another_organisation_is_refused_whole()
    {
        var fine = new StaffUser("555294209206", "Dr C", [AtRyy]);
        var outside = new StaffUser("555294209207", "Dr D", [Elsewhere]);

        var refused = DirectoryChangeRules.Plan([fine, outside], Current(), Ryy);

        Assert.Equal(RefusalCodes.RaOutOfScope, refused.Refusal?.Code);
        Assert.Contains("555021935203 at E82665", refused.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renaming_a_user_the_RA_does_not_cover_is_refused()
    {
        var other = new StaffUser("555294209208", "Dr E", [Elsewhere]);

        var refused = DirectoryChangeRules.Plan([other with { Name = "Dr Renamed", RoleProfiles = [] }], Current(other), Ryy);

        Assert.Equal(RefusalCodes.RaOutOfScope, refused.Refusal?.Code);
    }

    [Fact]
    public void The_whole_directory_import_replaces_every_profile_and_its_fingerprint_follows_the_directory()
    {
        var before = new StaffUser("555294209209", "Dr F", [AtRyy, Elsewhere]);
        var file = new StaffUser("555294209209", "Dr F", [Elsewhere]);

        var plan = DirectoryChangeRules.Plan([file], Current(before), scope: null).Value!;
        var again = DirectoryChangeRules.Plan([file], Current(before), scope: null).Value!;
        var afterOtherChange = DirectoryChangeRules.Plan([file], Current(before with { RoleProfiles = [Elsewhere, AlsoAtRyy] }), scope: null).Value!;

        Assert.Equal([Elsewhere], Assert.Single(plan.Changes).After.RoleProfiles);
        Assert.Equal(plan.Fingerprint, again.Fingerprint);
        Assert.NotEqual(plan.Fingerprint, afterOtherChange.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", plan.Fingerprint);
    }

    [Fact]
    public void A_stale_role_ends_a_live_session_in_it_or_one_choosing_from_a_list_offering_it_and_no_other()
    {
        var stale = new HashSet<string>(["555021935201"], StringComparer.Ordinal);
        SessionSnapshot Session(SessionState state, RoleProfile? role, params RoleProfile[] available) =>
            new("s", state, "555294209201", "Dr A", "card", "ws", role, new Dictionary<string, BusinessFunction>(), Now, Now,
                Now.AddMinutes(10), Now.AddHours(8), state == SessionState.Ended ? SessionEndReason.Logout : null, null, available);

        Assert.True(DirectoryChangeRules.EndsSession(Session(SessionState.Active, AtRyy), stale));
        Assert.True(DirectoryChangeRules.EndsSession(Session(SessionState.AwaitingRole, null, AlsoAtRyy, AtRyy), stale));
        Assert.False(DirectoryChangeRules.EndsSession(Session(SessionState.Active, AlsoAtRyy), stale));
        Assert.False(DirectoryChangeRules.EndsSession(Session(SessionState.AwaitingRole, null, AlsoAtRyy, Elsewhere), stale));
        Assert.False(DirectoryChangeRules.EndsSession(Session(SessionState.Ended, AtRyy), stale));
        Assert.False(DirectoryChangeRules.EndsSession(null, stale));
    }
}
