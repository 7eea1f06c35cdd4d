using Ers.Grains.SingleSignOn;
using Ers.Sessions;
using Ers.SingleSignOn;

namespace Ers.Grains.Tests.SingleSignOn;

public sealed class BackChannelLogoutRulesTests
{
    private static readonly DateTimeOffset EndedAt = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly BackChannelLogoutRules _rules = new(new BackChannelLogoutOptions
    {
        FirstRetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(30),
        GiveUpAfter = TimeSpan.FromMinutes(10),
    });

    private static SignedInApplication App(string clientId, string? uri) => new(clientId, uri, "sid-1", "https://ers.example/");

    [Fact]
    public void Only_applications_with_a_logout_URI_are_told_once_each_at_the_latest_URI_and_at_once()
    {
        var order = new BackChannelLogoutOrder("555294209105",
            [App("a", "https://a.example/old"), App("no-uri", null), App("blank", " "), App("b", "https://b.example/bcl"), App("a", "https://a.example/bcl")],
            SessionEndReason.CardRemoved, EndedAt);

        var plan = BackChannelLogoutRules.Plan(order, EndedAt);

        Assert.Equal(["a", "b"], plan.Select(d => d.ClientId));
        Assert.Equal("https://a.example/bcl", plan[0].BackChannelLogoutUri);
        Assert.All(plan, d => Assert.Equal((LogoutDeliveryState.Pending, 0, EndedAt), (d.State, d.Attempts, d.NextAttemptAt)));
        // Each delivery's jti is fixed here, before any attempt, and differs between applications.
        Assert.All(plan, d => Assert.False(string.IsNullOrEmpty(d.TokenId)));
        Assert.NotEqual(plan[0].TokenId, plan[1].TokenId);
        Assert.Equal(EndedAt, BackChannelLogoutRules.NextWake(plan));
        Assert.Equal(2, BackChannelLogoutRules.Due(plan, EndedAt).Count());
    }

    [Fact]
    public void Failed_attempts_wait_one_two_four_seconds_and_so_on_up_to_the_maximum()
    {
        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 7).Select(n => (int)_rules.RetryDelay(n).TotalSeconds));
    }

    [Fact]
    public void A_success_is_delivered_and_never_due_again()
    {
        var pending = new LogoutDelivery("a", "https://a.example/bcl", LogoutDeliveryState.Pending, 2, EndedAt);

        var after = _rules.After(pending, LogoutAttemptResult.Ok(200), EndedAt, EndedAt.AddSeconds(3));

        Assert.Equal((LogoutDeliveryState.Delivered, 3, EndedAt.AddSeconds(3)), (after.State, after.Attempts, after.DeliveredAt));
        Assert.Null(BackChannelLogoutRules.NextWake([after]));
        Assert.Empty(BackChannelLogoutRules.Due([after], EndedAt.AddHours(1)));
    }

    [Fact]
    public void An_application_that_is_down_is_tried_again_later_until_the_give_up_time()
    {
        var delivery = new LogoutDelivery("a", "https://a.example/bcl", LogoutDeliveryState.Pending, 0, EndedAt);
        var now = EndedAt;
        var waits = new List<TimeSpan>();
        while (delivery.State == LogoutDeliveryState.Pending)
        {
            delivery = _rules.After(delivery, LogoutAttemptResult.Failed(null, "connection refused"), EndedAt, now);
            if (delivery.State == LogoutDeliveryState.Pending)
            {
                Assert.Empty(BackChannelLogoutRules.Due([delivery], now));
                waits.Add(delivery.NextAttemptAt - now);
                now = delivery.NextAttemptAt;
                Assert.Single(BackChannelLogoutRules.Due([delivery], now));
            }
        }

        Assert.Equal(LogoutDeliveryState.GaveUp, delivery.State);
        Assert.Equal("connection refused", delivery.LastFailure);
        Assert.Equal(TimeSpan.FromSeconds(1), waits[0]);
        Assert.True(now <= EndedAt.AddMinutes(10), "no attempt after the give-up time");
        Assert.True(now > EndedAt.AddMinutes(9), "attempts go on until close to the give-up time");
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(404, true)]
    [InlineData(408, false)]
    [InlineData(429, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void A_refusal_no_retry_can_change_ends_the_delivery_at_once_a_server_error_is_retried(int status, bool final)
    {
        var delivery = new LogoutDelivery("a", "https://a.example/bcl", LogoutDeliveryState.Pending, 0, EndedAt);

        var after = _rules.After(delivery, LogoutAttemptResult.Failed(status, $"HTTP {status}"), EndedAt, EndedAt);

        Assert.Equal(final ? LogoutDeliveryState.GaveUp : LogoutDeliveryState.Pending, after.State);
    }
}
