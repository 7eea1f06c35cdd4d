using Ers.Web.Oidc;

namespace Ers.Web.Tests.Oidc;

/// <summary>When the browser's card session answers an authorization request, and when a fresh card login is needed.</summary>
public sealed class OidcLoginRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void No_live_session_needs_a_login() =>
        Assert.Equal(OidcLoginNeed.Login, OidcLoginRules.Decide(null, promptLogin: false, maxAge: null, freshSince: null, Now));

    [Fact]
    public void A_live_session_answers_a_plain_request() =>
        Assert.Equal(OidcLoginNeed.None, OidcLoginRules.Decide(Now.AddHours(-3), false, null, null, Now));

    [Fact]
    public void Prompt_login_needs_a_fresh_login_however_recent_the_session() =>
        Assert.Equal(OidcLoginNeed.FreshLogin, OidcLoginRules.Decide(Now, true, null, null, Now));

    [Theory]
    [InlineData(600, -599, OidcLoginNeed.None)]
    [InlineData(600, -600, OidcLoginNeed.None)]
    [InlineData(600, -601, OidcLoginNeed.FreshLogin)]
    [InlineData(0, -1, OidcLoginNeed.FreshLogin)]
    public void Max_age_is_measured_from_the_card_login(long maxAge, int sessionAgeSeconds, OidcLoginNeed need) =>
        Assert.Equal(need, OidcLoginRules.Decide(Now.AddSeconds(sessionAgeSeconds), false, maxAge, null, Now));

    [Fact]
    public void A_session_that_began_after_the_fresh_login_was_asked_for_answers_it_even_with_prompt_login_and_max_age_zero() =>
        Assert.Equal(OidcLoginNeed.None, OidcLoginRules.Decide(Now.AddSeconds(-5), true, 0, freshSince: Now.AddSeconds(-30), Now));

    [Fact]
    public void The_session_from_before_the_fresh_login_was_asked_for_does_not() =>
        Assert.Equal(OidcLoginNeed.FreshLogin, OidcLoginRules.Decide(Now.AddSeconds(-31), false, null, freshSince: Now.AddSeconds(-30), Now));
}
