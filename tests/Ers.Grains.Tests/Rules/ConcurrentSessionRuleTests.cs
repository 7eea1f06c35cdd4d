using Ers.Grains.Users;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

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
