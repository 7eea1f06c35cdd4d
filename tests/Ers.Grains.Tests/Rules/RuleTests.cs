using Ers.Cards;
using Ers.Staff;
using Ers.Grains.Cards;
using Ers.Grains.Sessions;
using Ers.Grains.Users;
using Ers.Grains.Workstations;
using Ers.Sessions;

namespace Ers.Grains.Tests.Rules;

public sealed class SessionClockTests
{
    private static readonly DateTimeOffset T0 = ClusterFixture.Start;
    private readonly SessionClock _clock = new(new SessionOptions());

    [Fact]
    public void Idle_and_absolute_deadlines_follow_the_settings()
    {
        var d = _clock.Deadlines(T0, T0 + TimeSpan.FromMinutes(5));

        Assert.Equal(T0 + TimeSpan.FromMinutes(15), d.IdleExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromMinutes(13), d.IdleWarningAt);
        Assert.Equal(T0 + TimeSpan.FromHours(8), d.AbsoluteExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromHours(8) - TimeSpan.FromMinutes(10), d.AbsoluteWarningAt);
    }

    [Fact]
    public void The_idle_deadline_never_passes_the_absolute_one()
    {
        var late = T0 + TimeSpan.FromHours(8) - TimeSpan.FromMinutes(1);
        Assert.Equal(T0 + TimeSpan.FromHours(8), _clock.Deadlines(T0, late).IdleExpiresAt);
    }

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(0, 599, null)]
    [InlineData(0, 600, SessionEndReason.IdleTimeout)]
    [InlineData(28_500, 28_800, SessionEndReason.AbsoluteTimeout)]
    [InlineData(0, 28_800, SessionEndReason.AbsoluteTimeout)]
    public void Expiry_reason(int lastActivitySeconds, int nowSeconds, SessionEndReason? expected) =>
        Assert.Equal(expected, _clock.ExpiredReason(T0, T0.AddSeconds(lastActivitySeconds), T0.AddSeconds(nowSeconds)));
}

public sealed class RoleRulesTests
{
    private static readonly RoleProfile Referrer = Ids.Profile("E82665", "B1101", "B1102");
    private static readonly RoleProfile Provider = Ids.Profile("RYY", "B1110");

    [Fact]
    public void No_user_or_no_profile_means_no_session_with_a_reason()
    {
        Assert.Equal(RefusalCodes.UserUnknown, RoleRules.CanStartSession(null)!.Code);
        Assert.Equal(RefusalCodes.UserHasNoRoleProfiles, RoleRules.CanStartSession(new StaffUser("1", "x", []))!.Code);
        Assert.Null(RoleRules.CanStartSession(new StaffUser("1", "x", [Referrer])));
    }

    [Fact]
    public void Only_a_single_profile_is_chosen_automatically()
    {
        Assert.Equal(Referrer, RoleRules.AutomaticRole(new StaffUser("1", "x", [Referrer])));
        Assert.Null(RoleRules.AutomaticRole(new StaffUser("1", "x", [Referrer, Provider])));
    }

    [Fact]
    public void A_role_must_be_held()
    {
        var user = new StaffUser("1", "x", [Referrer, Provider]);
        Assert.Equal(Provider, RoleRules.ChooseRole(user, Provider.RoleProfileId).Value);
        Assert.Equal(RefusalCodes.RoleNotHeld, RoleRules.ChooseRole(user, "000000000000").Refusal!.Code);
    }

    [Fact]
    public void Functions_come_from_the_activity_table()
    {
        Assert.Equal(
            [BusinessFunction.ReferringClinician, BusinessFunction.ReferringClinicianAdmin],
            RoleRules.GrantedFunctions(Referrer).Select(f => f.Function));
        Assert.Null(RoleRules.AutomaticFunction(Referrer));
        Assert.Equal(BusinessFunction.ServiceProviderClinician, RoleRules.AutomaticFunction(Provider));
        Assert.Equal(RefusalCodes.BusinessFunctionNotGranted, RoleRules.ChooseFunction(Provider, BusinessFunction.Commissioner).Refusal!.Code);
        Assert.Equal(RefusalCodes.NoBusinessFunction, RoleRules.ChooseFunction(Ids.Profile("X01", "B9999"), BusinessFunction.Commissioner).Refusal!.Code);
    }

    [Fact]
    public void Every_business_function_has_one_activity_and_a_homepage()
    {
        Assert.Equal(10, BusinessFunctions.All.Select(f => f.ActivityCode).Distinct().Count());
        Assert.Equal(HomepageKind.Provider, BusinessFunctions.Get(BusinessFunction.ServiceDefiner).Homepage);
        Assert.Equal(HomepageKind.Referrer, BusinessFunctions.Get(BusinessFunction.ReferringAdmin).Homepage);
    }
}

public sealed class ConcurrentSessionRuleTests
{
    private static readonly DateTimeOffset T0 = ClusterFixture.Start;
    private static readonly LiveSessionRef Old = new("s-old", "card-a", T0);
    private static readonly LiveSessionRef Newer = new("s-newer", "card-b", T0.AddMinutes(5));

    [Fact]
    public void Terminate_oldest_names_the_oldest_sessions_beyond_the_limit()
    {
        var options = new SessionOptions { MaxSessionsPerUser = 2 };
        var admission = ConcurrentSessionRule.Admit([Old, Newer], "card-c", options);
        Assert.Equal(["s-old"], admission.Value!.SessionsToEnd);
    }

    [Fact]
    public void Deny_new_refuses_at_the_limit_and_admits_below_it()
    {
        var options = new SessionOptions { ConcurrentSessionPolicy = ConcurrentSessionPolicy.DenyNew };
        Assert.Equal(RefusalCodes.ConcurrentSessionDenied, ConcurrentSessionRule.Admit([Old], "card-c", options).Refusal!.Code);
        Assert.Empty(ConcurrentSessionRule.Admit([], "card-c", options).Value!.SessionsToEnd);
    }

    [Fact]
    public void The_same_card_always_replaces_its_own_session_whatever_the_policy()
    {
        var options = new SessionOptions { ConcurrentSessionPolicy = ConcurrentSessionPolicy.DenyNew };
        Assert.Equal(["s-old"], ConcurrentSessionRule.Admit([Old], "card-a", options).Value!.SessionsToEnd);
    }
}

public sealed class HeartbeatAndCardRuleTests
{
    private static readonly DateTimeOffset T0 = ClusterFixture.Start;

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    public void Heartbeat_loss_after_the_timeout(int seconds, bool lost) =>
        Assert.Equal(lost, HeartbeatRule.IsLost(T0, T0.AddSeconds(seconds), TimeSpan.FromSeconds(30)));

    [Fact]
    public void A_workstation_never_heard_from_is_not_lost() =>
        Assert.False(HeartbeatRule.IsLost(null, T0, TimeSpan.FromSeconds(30)));

    [Theory]
    [InlineData(CardState.Revoked, "ws1", "ws1", RefusalCodes.CardRevoked)]
    [InlineData(CardState.Blocked, "ws1", "ws1", RefusalCodes.CardBlocked)]
    [InlineData(CardState.Absent, null, "ws1", RefusalCodes.CardNotInserted)]
    [InlineData(CardState.Inserted, "ws2", "ws1", RefusalCodes.CardInOtherWorkstation)]
    [InlineData(CardState.Inserted, "ws1", "ws1", null)]
    [InlineData(CardState.Authenticated, "ws1", "ws1", null)]
    public void Where_a_card_may_authenticate(CardState state, string? insertedAt, string workstation, string? refusal) =>
        Assert.Equal(refusal, CardRules.CanAuthenticate(state, insertedAt, workstation, reportedThere: false)?.Code);

    [Fact]
    public void Settings_that_make_no_sense_are_named()
    {
        var problems = new SessionOptions { IdleWarning = TimeSpan.FromMinutes(20), MaxSessionsPerUser = 0 }.Validate().ToList();
        Assert.Contains(problems, p => p.Contains("IdleWarning"));
        Assert.Contains(problems, p => p.Contains("MaxSessionsPerUser"));
        Assert.Empty(new SessionOptions().Validate());
    }
}
