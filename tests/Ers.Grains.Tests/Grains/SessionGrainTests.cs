using Ers.Audit;
using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class SessionGrainTests(ClusterFixture fx)
{
    private IClusterClient Client => fx.Client;

    [Fact]
    public async Task One_role_profile_is_chosen_automatically_and_its_only_function_too()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var journey = new Journey(Client, user);

        var (sessionId, outcome) = await journey.LoginAsync();

        Assert.True(outcome.IsSuccess);
        var session = outcome.Value!;
        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(user.RoleProfiles[0], session.Role);
        Assert.Equal(BusinessFunction.ReferringClinician, session.BusinessFunctions[BusinessFunctions.ReferralsApplication]);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
        // The automatic choice is audited like a chosen one: its own record, with the role and the function.
        Assert.Equal([AuditEvent.SessionCreated, AuditEvent.RoleChosen, AuditEvent.BusinessFunctionChosen], audit.Select(a => a.Event));
        Assert.Equal(user.RoleProfiles[0].OdsCode, audit[1].OdsCode);
        Assert.Equal(user.RoleProfiles[0].RoleProfileId, audit[2].RoleProfileId);
        Assert.Equal(BusinessFunctions.Get(BusinessFunction.ReferringClinician).DisplayName, audit[2].BusinessFunction);
    }

    [Fact]
    public async Task Several_profiles_wait_for_a_choice_and_only_a_held_profile_can_be_chosen()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"), Ids.Profile("RYY", "B1110", "B1120"));
        var journey = new Journey(Client, user);
        var sessionId = await journey.LoginOkAsync();
        var session = journey.Session(sessionId);
        Assert.Equal(SessionState.AwaitingRole, (await session.GetAsync())!.State);

        var refused = await session.SelectRoleAsync("999999999999");

        Assert.Equal(RefusalCodes.RoleNotHeld, refused.Refusal!.Code);
        var after = await session.GetAsync();
        Assert.Equal(SessionState.AwaitingRole, after!.State);
        Assert.Null(after.Role);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
        Assert.Contains(audit, a => a.Event == AuditEvent.Refused && a.Reason == RefusalCodes.RoleNotHeld && a.RoleProfileId == "999999999999");

        var chosen = await session.SelectRoleAsync(user.RoleProfiles[1].RoleProfileId);
        Assert.True(chosen.IsSuccess);
        Assert.Equal(SessionState.Active, chosen.Value!.State);
        Assert.Empty(chosen.Value.BusinessFunctions); // two functions granted: the user picks one
        Assert.Equal(user.RoleProfiles[1].RoleProfileId, await Client.GetGrain<IUserGrain>(user.UserId).GetLastRoleProfileIdAsync());
    }

    [Fact]
    public async Task A_chosen_role_is_never_changed_in_a_live_session()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"), Ids.Profile("RYY", "B1110"));
        var journey = new Journey(Client, user);
        var session = journey.Session(await journey.LoginOkAsync());
        await session.SelectRoleAsync(user.RoleProfiles[0].RoleProfileId);

        var refused = await session.SelectRoleAsync(user.RoleProfiles[1].RoleProfileId);

        Assert.Equal(RefusalCodes.RoleAlreadyChosen, refused.Refusal!.Code);
        Assert.Equal(user.RoleProfiles[0], (await session.GetAsync())!.Role);
    }

    [Fact]
    public async Task Changing_role_ends_the_old_session_and_the_new_login_reuses_nothing()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"), Ids.Profile("RYY", "B1110"));
        var journey = new Journey(Client, user);
        var firstId = await journey.LoginOkAsync();
        await journey.Session(firstId).SelectRoleAsync(user.RoleProfiles[0].RoleProfileId);

        await journey.Session(firstId).EndAsync(SessionEndReason.RoleChanged);
        var secondId = await journey.LoginOkAsync();

        var first = await journey.Session(firstId).GetAsync();
        Assert.Equal(SessionState.Ended, first!.State);
        Assert.Equal(SessionEndReason.RoleChanged, first.EndReason);
        var second = await journey.Session(secondId).GetAsync();
        Assert.Equal(SessionState.AwaitingRole, second!.State);
        Assert.Null(second.Role);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(SessionId: firstId));
        Assert.Contains(audit, a => a.Event == AuditEvent.SessionEnded && a.Reason == "role-changed");
    }

    [Fact]
    public async Task A_user_with_no_role_profile_gets_no_session_and_is_told_why()
    {
        var user = await fx.NewUserAsync();
        var journey = new Journey(Client, user);

        var (sessionId, outcome) = await journey.LoginAsync(fx.Audit);

        Assert.Equal(RefusalCodes.UserHasNoRoleProfiles, outcome.Refusal!.Code);
        Assert.Contains("Registration Authority", outcome.Refusal.Message);
        Assert.Null(await journey.Session(sessionId).GetAsync());
        Assert.Empty(await Client.GetGrain<IUserGrain>(user.UserId).GetLiveSessionsAsync());
        Assert.Null((await journey.Card.GetAsync()).SessionId);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
        Assert.Equal(AuditEvent.Refused, Assert.Single(audit).Event);
    }

    [Fact]
    public async Task A_user_not_in_the_directory_gets_no_session()
    {
        var journey = new Journey(Client, new StaffUser(Ids.NewDigits(12), "Nobody", []));

        var (sessionId, outcome) = await journey.LoginAsync(fx.Audit);

        Assert.Equal(RefusalCodes.UserUnknown, outcome.Refusal!.Code);
        Assert.Null(await journey.Session(sessionId).GetAsync());
    }

    [Fact]
    public async Task A_session_id_can_be_started_only_once()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var journey = new Journey(Client, user);
        var sessionId = await journey.LoginOkAsync();

        var again = await journey.Session(sessionId).StartAsync(new SessionStart(user.UserId, journey.CardId, journey.WorkstationId));

        Assert.Equal(RefusalCodes.SessionAlreadyStarted, again.Refusal!.Code);
        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
    }

    [Theory]
    [InlineData(BusinessFunction.ReferringClinicianAdmin, true)]
    [InlineData(BusinessFunction.ReferringClinician, true)]
    [InlineData(BusinessFunction.ServiceProviderClinician, false)]
    public async Task A_business_function_must_be_granted_by_the_session_role(BusinessFunction function, bool granted)
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101", "B1102"));
        var journey = new Journey(Client, user);
        var sessionId = await journey.LoginOkAsync();

        var outcome = await journey.Session(sessionId).SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, function);

        var after = await journey.Session(sessionId).GetAsync();
        if (granted)
        {
            Assert.True(outcome.IsSuccess);
            Assert.Equal(function, after!.BusinessFunctions[BusinessFunctions.ReferralsApplication]);
        }
        else
        {
            Assert.Equal(RefusalCodes.BusinessFunctionNotGranted, outcome.Refusal!.Code);
            Assert.Empty(after!.BusinessFunctions);
            var audit = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
            Assert.Contains(audit, a => a.Reason == RefusalCodes.BusinessFunctionNotGranted && a.BusinessFunction == function.ToString());
        }
    }

    [Fact]
    public async Task A_business_function_before_a_role_is_chosen_is_refused_audited_and_changes_nothing()
    {
        // Two role profiles: no role is chosen automatically.
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"), Ids.Profile("RYY", "B1110"));
        var journey = new Journey(Client, user);
        var sessionId = await journey.LoginOkAsync();

        var outcome = await journey.Session(sessionId).SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, BusinessFunction.ReferringClinician);

        Assert.Equal(RefusalCodes.RoleNotChosen, outcome.Refusal!.Code);
        var after = await journey.Session(sessionId).GetAsync();
        Assert.Null(after!.Role);
        Assert.Empty(after.BusinessFunctions);
        Assert.Equal(SessionState.AwaitingRole, after.State);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
        Assert.Contains(audit, a => a.Reason == RefusalCodes.RoleNotChosen);
    }

    [Fact]
    public async Task A_role_granting_no_function_is_refused_every_function()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B9999"));
        var journey = new Journey(Client, user);
        var sessionId = await journey.LoginOkAsync();

        var outcome = await journey.Session(sessionId).SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, BusinessFunction.ReferringClinician);

        Assert.Equal(RefusalCodes.NoBusinessFunction, outcome.Refusal!.Code);
    }

    [Fact]
    public async Task No_activity_for_the_idle_timeout_ends_the_session_and_activity_keeps_it()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var journey = new Journey(Client, user);
        var active = journey.Session(await journey.LoginOkAsync());
        var idleJourney = new Journey(Client, await fx.NewUserAsync(Ids.Profile("E82665", "B1101")));
        var idle = idleJourney.Session(await idleJourney.LoginOkAsync());

        fx.Clock.Advance(TimeSpan.FromMinutes(9));
        var deadlines = await active.TouchAsync();
        fx.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.True(deadlines.IsSuccess);
        Assert.Equal(deadlines.Value!.IdleExpiresAt - TimeSpan.FromMinutes(2), deadlines.Value.IdleWarningAt);
        Assert.Equal(SessionState.Active, (await active.GetAsync())!.State);
        var ended = await idle.GetAsync();
        Assert.Equal(SessionState.Ended, ended!.State);
        Assert.Equal(SessionEndReason.IdleTimeout, ended.EndReason);
        Assert.Equal(RefusalCodes.SessionEnded, (await idle.TouchAsync()).Refusal!.Code);
        await Eventually.TrueAsync(async () => (await idleJourney.Card.GetAsync()).SessionId is null);
        await Eventually.TrueAsync(async () => (await Client.GetGrain<IUserGrain>(idleJourney.User.UserId).GetLiveSessionsAsync()).Count == 0);
    }

    [Fact]
    public async Task The_absolute_timeout_ends_a_session_however_active_it_is()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var journey = new Journey(Client, user);
        var session = journey.Session(await journey.LoginOkAsync());
        var created = (await session.GetAsync())!.CreatedAt;

        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(8) - TimeSpan.FromMinutes(9); elapsed += TimeSpan.FromMinutes(9))
        {
            fx.Clock.Advance(TimeSpan.FromMinutes(9));
            Assert.True((await session.TouchAsync()).IsSuccess);
        }

        var deadlines = (await session.TouchAsync()).Value!;
        Assert.Equal(created + TimeSpan.FromHours(8), deadlines.AbsoluteExpiresAt);
        Assert.Equal(deadlines.AbsoluteExpiresAt - TimeSpan.FromMinutes(10), deadlines.AbsoluteWarningAt);
        fx.Clock.Advance(deadlines.AbsoluteExpiresAt - fx.Clock.GetUtcNow());

        var ended = await session.GetAsync();
        Assert.Equal(SessionEndReason.AbsoluteTimeout, ended!.EndReason);
    }

    [Fact]
    public async Task A_browser_ticket_is_redeemed_once_and_only_in_its_lifetime()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var journey = new Journey(Client, user);
        var session = journey.Session(await journey.LoginOkAsync());

        var ticket = (await session.IssueBrowserTicketAsync()).Value!;
        Assert.Equal(RefusalCodes.TicketUnknown, (await session.RedeemBrowserTicketAsync("00")).Refusal!.Code);
        Assert.True((await session.RedeemBrowserTicketAsync(ticket.TicketId)).IsSuccess);
        Assert.Equal(RefusalCodes.TicketUsed, (await session.RedeemBrowserTicketAsync(ticket.TicketId)).Refusal!.Code);

        var late = (await session.IssueBrowserTicketAsync()).Value!;
        fx.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(RefusalCodes.TicketExpired, (await session.RedeemBrowserTicketAsync(late.TicketId)).Refusal!.Code);

        var afterEnd = (await session.IssueBrowserTicketAsync()).Value!;
        await session.EndAsync(SessionEndReason.Logout);
        Assert.Equal(RefusalCodes.SessionEnded, (await session.RedeemBrowserTicketAsync(afterEnd.TicketId)).Refusal!.Code);
    }

    [Fact]
    public async Task A_session_awaiting_its_role_gets_a_ticket_and_its_heartbeat_names_the_role_once_chosen()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"), Ids.Profile("RYY", "B1110"));
        var journey = new Journey(Client, user);
        var session = journey.Session(await journey.LoginOkAsync());

        var ticket = (await session.IssueBrowserTicketAsync()).Value!;
        var redeemed = (await session.RedeemBrowserTicketAsync(ticket.TicketId)).Value!;
        Assert.Equal(SessionState.AwaitingRole, redeemed.State);
        Assert.Equal(2, redeemed.AvailableRoles.Count);
        Assert.Null((await session.BeatAsync()).Role);

        await session.SelectRoleAsync(user.RoleProfiles[1].RoleProfileId);

        Assert.Equal(user.RoleProfiles[1], (await session.BeatAsync()).Role);
    }

    [Fact]
    public async Task An_unknown_session_is_refused_without_being_created()
    {
        var session = Client.GetGrain<ISessionGrain>(Ids.NewSession());

        Assert.Equal(RefusalCodes.SessionUnknown, (await session.SelectRoleAsync("555021935107")).Refusal!.Code);
        Assert.Equal(RefusalCodes.SessionUnknown, (await session.TouchAsync()).Refusal!.Code);
        Assert.Null(await session.GetAsync());
    }
}
