using Ers.Audit;
using Ers.Grains.Staff;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Staff;

namespace Ers.Grains.Tests.Grains;

/// <summary>A directory import on the cluster: a removed or changed role ends its live sessions; an added one waits for the next login.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DirectoryChangeTests(ClusterFixture fx)
{
    private Task<DirectoryParseResult> ImportAsync(params StaffUser[] users) =>
        new StaffDirectoryImporter(fx.Client, fx.Audit, fx.Clock).ImportAsync(StaffDirectoryJson.Of(users), "change.json");

    [Fact]
    public async Task Removing_the_role_of_a_live_session_ends_it_as_role_removed_with_its_end_record()
    {
        var kept = Ids.Profile("RYY", "B1110");
        var removed = Ids.Profile("RYY", "B1120");
        var user = await fx.NewUserAsync(kept, removed);
        var journey = new Journey(fx.Client, user);
        var sessionId = await journey.LoginOkAsync();
        Assert.True((await journey.Session(sessionId).SelectRoleAsync(removed.RoleProfileId)).IsSuccess);

        var result = await ImportAsync(user with { RoleProfiles = [kept] });

        Assert.True(result.IsValid);
        var session = (await journey.Session(sessionId).GetAsync())!;
        Assert.Equal(SessionEndReason.RoleRemoved, session.EndReason);
        var end = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId)), r => r.Event == AuditEvent.SessionEnded);
        Assert.Equal("role-removed", end.Reason);
        Assert.Equal(removed.RoleProfileId, end.RoleProfileId);
        Assert.Empty(await fx.Client.GetGrain<IUserGrain>(user.UserId).GetLiveSessionsAsync());
    }

    [Fact]
    public async Task Adding_a_role_leaves_the_live_session_alone_and_offers_the_role_at_the_next_login()
    {
        var first = Ids.Profile("RYY", "B1110");
        var added = Ids.Profile("E82665", "B1101");
        var user = await fx.NewUserAsync(first);
        var journey = new Journey(fx.Client, user);
        var sessionId = await journey.LoginOkAsync();

        await ImportAsync(user with { RoleProfiles = [first, added] });

        var live = (await journey.Session(sessionId).GetAsync())!;
        Assert.True(live.IsLive);
        Assert.Equal(first, live.Role);
        await journey.Card.RemovedAsync(journey.WorkstationId);
        var next = await journey.LoginOkAsync();
        var offered = (await journey.Session(next).GetAsync())!;
        Assert.Equal(SessionState.AwaitingRole, offered.State);
        Assert.Equal([first.RoleProfileId, added.RoleProfileId], offered.AvailableRoles.Select(r => r.RoleProfileId));
    }

    [Fact]
    public async Task Changing_the_activities_of_a_live_sessions_role_ends_it_and_a_session_choosing_from_a_stale_list_too()
    {
        var role = Ids.Profile("RYY", "B1110", "B1120");
        var other = Ids.Profile("E82665", "B1101");
        var user = await fx.NewUserAsync(role, other);
        var journey = new Journey(fx.Client, user);
        var choosing = await journey.LoginOkAsync();
        Assert.Equal(SessionState.AwaitingRole, (await journey.Session(choosing).GetAsync())!.State);

        await ImportAsync(user with { RoleProfiles = [role with { Activities = ["B1110"] }, other] });

        Assert.Equal(SessionEndReason.RoleRemoved, (await journey.Session(choosing).GetAsync())!.EndReason);
    }
}
