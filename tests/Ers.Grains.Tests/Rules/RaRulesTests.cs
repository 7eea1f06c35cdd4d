using Ers.Cards;
using Ers.Grains.RegistrationAuthority;
using Ers.RegistrationAuthority;
using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

public sealed class RaRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly RaOptions Options = new()
    {
        Activities = new(StringComparer.Ordinal)
        {
            ["B9201"] = [RaPermission.View, RaPermission.Unlock, RaPermission.Revoke, RaPermission.AssignPosition, RaPermission.EndSessions],
            ["B9204"] = [RaPermission.View, RaPermission.Unlock],
        },
    };

    private static RoleProfile Profile(string id, string ods, params string[] activities) =>
        new(id, ods, "Org " + ods, "S0010:G0020:R8008", "Role " + id, activities);

    private static SessionSnapshot Session(string userId, RoleProfile? role, SessionState state = SessionState.Active) =>
        new(Guid.NewGuid().ToString("N"), state, userId, "User " + userId, "card-1", "ws-1", role,
            new Dictionary<string, BusinessFunction>(), Now, Now, Now.AddMinutes(10), Now.AddHours(8),
            state == SessionState.Ended ? SessionEndReason.Logout : null, null, role is null ? [Profile("555021935199", "RYY", "B1110")] : []);

    private static RaContext Ra(string activity = "B9201", string ods = "RYY") =>
        RaRules.Context(Session("555294209112", Profile("555021935120", ods, activity)), Options).Value!;

    private static StaffUser User(params RoleProfile[] profiles) => new("555294209107", "Sam Okafor", profiles);

    [Fact]
    public void A_session_whose_role_carries_a_configured_RA_activity_acts_for_that_role_and_its_organisation_only()
    {
        var context = RaRules.Context(Session("555294209112", Profile("555021935120", "RYY", "B9204", "B1120")), Options);

        Assert.True(context.IsSuccess);
        Assert.Equal("555294209112", context.Value!.UserId);
        Assert.Equal("555021935120", context.Value.RoleProfileId);
        Assert.Equal([RaPermission.View, RaPermission.Unlock], context.Value.Permissions);
        Assert.Equal(["RYY"], context.Value.CoveredOdsCodes);
    }

    [Theory]
    [InlineData("B1120")] // an e-RS business function, not an RA activity
    [InlineData("B9999")] // not configured
    public void A_role_without_a_configured_RA_activity_is_not_an_RA(string activity)
    {
        var context = RaRules.Context(Session("555294209107", Profile("555021935110", "RYY", activity)), Options);

        Assert.Equal(RefusalCodes.RaNotAnRa, context.Refusal?.Code);
    }

    [Fact]
    public void A_session_still_choosing_its_role_or_ended_is_not_an_RA_even_if_it_could_choose_an_RA_role()
    {
        var ra = Profile("555021935120", "RYY", "B9201");

        Assert.Equal(RefusalCodes.RaNotAnRa, RaRules.Context(Session("555294209112", null, SessionState.AwaitingRole), Options).Refusal?.Code);
        Assert.Equal(RefusalCodes.RaNotAnRa, RaRules.Context(Session("555294209112", ra, SessionState.Ended), Options).Refusal?.Code);
        Assert.Equal(RefusalCodes.RaNotAnRa, RaRules.Context(null, Options).Refusal?.Code);
    }

    [Fact]
    public void An_RA_acts_on_a_user_who_holds_a_role_profile_in_its_organisation_and_is_refused_for_any_other()
    {
        var inScope = User(Profile("555021935110", "RYY", "B1110"));
        var elsewhere = User(Profile("555021935107", "E82665", "B1101"));

        Assert.Null(RaRules.MayActOnUser(Ra(), RaPermission.EndSessions, inScope));
        Assert.Equal(RefusalCodes.RaOutOfScope, RaRules.MayActOnUser(Ra(), RaPermission.EndSessions, elsewhere)?.Code);
        Assert.Equal(RefusalCodes.RaOutOfScope, RaRules.MayActOnUser(Ra(ods: "E82665"), RaPermission.View, inScope)?.Code);
        Assert.Equal(RefusalCodes.UserUnknown, RaRules.MayActOnUser(Ra(), RaPermission.View, null)?.Code);
    }

    [Fact]
    public void A_permission_the_RA_role_is_not_configured_with_is_refused_before_anything_is_looked_at()
    {
        var lsa = Ra("B9204");
        var inScope = User(Profile("555021935110", "RYY", "B1110"));

        Assert.Null(RaRules.MayActOnUser(lsa, RaPermission.View, inScope));
        Assert.Equal(RefusalCodes.RaNotPermitted, RaRules.MayActOnUser(lsa, RaPermission.EndSessions, inScope)?.Code);
        Assert.Equal(RefusalCodes.RaNotPermitted, RaRules.MayActOnUser(lsa, RaPermission.EndSessions, null)?.Code);
        var card = new CardSnapshot("card-1", CardState.Authenticated, "ws-1", inScope.UserId, "s", Now);
        Assert.Equal(RefusalCodes.RaNotPermitted, RaRules.MayActOnCard(lsa, RaPermission.Revoke, card, inScope)?.Code);
    }

    [Fact]
    public void A_session_is_in_scope_by_its_chosen_role_not_by_the_users_other_profiles()
    {
        var user = User(Profile("555021935108", "E82665", "B1101"), Profile("555021935109", "RYY", "B1110"));

        Assert.Null(RaRules.MayActOnSession(Ra(), RaPermission.EndSessions, Session(user.UserId, user.RoleProfiles[1]), user));
        Assert.Equal(RefusalCodes.RaOutOfScope,
            RaRules.MayActOnSession(Ra(), RaPermission.EndSessions, Session(user.UserId, user.RoleProfiles[0]), user)?.Code);
        // Still choosing its role: the user's profiles decide.
        Assert.Null(RaRules.MayActOnSession(Ra(), RaPermission.EndSessions, Session(user.UserId, null, SessionState.AwaitingRole), user));
    }

    [Fact]
    public void An_unknown_or_ended_session_is_refused_as_such_but_only_after_scope_so_nothing_leaks_across_organisations()
    {
        var user = User(Profile("555021935110", "RYY", "B1110"));
        var ended = Session(user.UserId, user.RoleProfiles[0], SessionState.Ended);

        Assert.Equal(RefusalCodes.SessionUnknown, RaRules.MayActOnSession(Ra(), RaPermission.EndSessions, null, null)?.Code);
        Assert.Equal(RefusalCodes.SessionEnded, RaRules.MayActOnSession(Ra(), RaPermission.EndSessions, ended, user)?.Code);
        Assert.Equal(RefusalCodes.RaOutOfScope, RaRules.MayActOnSession(Ra(ods: "E82665"), RaPermission.EndSessions, ended, user)?.Code);
    }

    [Fact]
    public void A_card_is_in_scope_by_its_holder_and_a_card_no_one_logged_in_with_is_unknown()
    {
        var holder = User(Profile("555021935110", "RYY", "B1110"));
        var card = new CardSnapshot("card-1", CardState.Inserted, "ws-1", holder.UserId, null, Now);

        Assert.Null(RaRules.MayActOnCard(Ra(), RaPermission.Revoke, card, holder));
        Assert.Equal(RefusalCodes.RaOutOfScope, RaRules.MayActOnCard(Ra(ods: "E82665"), RaPermission.Revoke, card, holder)?.Code);
        Assert.Equal(RefusalCodes.CardUnknown,
            RaRules.MayActOnCard(Ra(), RaPermission.Revoke, new CardSnapshot("card-2", CardState.Absent, null, null, null, null), null)?.Code);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("  ", false)]
    [InlineData("ok", false)]
    [InlineData("lost\ncard", false)]
    [InlineData("  card reported lost  ", true)]
    public void An_action_needs_a_one_line_reason_of_three_to_two_hundred_characters(string? reason, bool accepted)
    {
        var outcome = RaRules.Reason(reason);

        Assert.Equal(accepted, outcome.IsSuccess);
        Assert.Equal(accepted ? "card reported lost" : null, outcome.Value);
        Assert.Equal(accepted ? null : RefusalCodes.RaReasonRequired, outcome.Refusal?.Code);
        Assert.False(RaRules.Reason(new string('x', RaRules.MaxReasonLength + 1)).IsSuccess);
    }

    [Fact]
    public void Settings_that_map_a_business_function_code_a_malformed_code_or_no_permission_are_refused_at_start()
    {
        var options = new RaOptions
        {
            Activities = new(StringComparer.Ordinal)
            {
                ["B1101"] = [RaPermission.View],
                ["X1"] = [RaPermission.View],
                ["B9300"] = [],
                ["B9301"] = [(RaPermission)42],
            },
        };

        var problems = options.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("B1101 is an e-RS business function", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("X1 is not an activity code", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("B9300 must list", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("B9301 must list", StringComparison.Ordinal));
        Assert.Empty(Options.Validate());
    }

    [Fact]
    public void An_RA_sees_the_ers_revocations_made_for_its_own_organisation_oldest_first_and_is_refused_another()
    {
        static Ers.Revocation.RevokedCertificate Revoked(string serial, string ods, int minutes) =>
            new("CA1", serial, "card-" + serial, Now.AddMinutes(minutes), "555294209112", "555021935120", ods, "lost");
        var all = new[] { Revoked("0C", "RYY", 3), Revoked("0A", "RYY", 1), Revoked("0B", "E82665", 2) };

        var own = RaRules.Revocations(Ra(), null, all);
        var named = RaRules.Revocations(Ra(), " RYY ", all);
        var other = RaRules.Revocations(Ra(), "E82665", all);

        Assert.Equal("RYY", own.Value!.OdsCode);
        Assert.Equal(["0A", "0C"], own.Value.Revocations.Select(r => r.SerialNumber));
        Assert.Equal(own.Value.Revocations, named.Value!.Revocations);
        Assert.Equal(RefusalCodes.RaOutOfScope, other.Refusal?.Code);
    }
}
