using Ers.Grains.Sessions;
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
