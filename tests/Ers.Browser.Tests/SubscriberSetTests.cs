using Ers.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Browser.Tests;

public sealed class SubscriberSetTests
{
    [Fact]
    public void A_subscription_not_renewed_within_its_lifetime_is_dropped()
    {
        var set = new SubscriberSet<string>(TimeSpan.FromSeconds(60));
        var start = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        set.Renew("node-a", start);
        set.Renew("node-b", start);
        set.Renew("node-b", start.AddSeconds(45));

        var live = set.Live(start.AddSeconds(61));

        Assert.Equal(["node-b"], live);
        Assert.Equal(1, set.Count);
    }
}
