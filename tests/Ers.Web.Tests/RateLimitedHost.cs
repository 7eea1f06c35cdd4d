using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>Ers.Web with small rate limits that never refill during a test (one token an hour).</summary>
public sealed class RateLimitedHost : AgentHost
{
    public const int PerWorkstation = 6;
    public const int PerCard = 3;
    public const int PerUser = 4;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Ers:RateLimits:PerWorkstation:TokenLimit", PerWorkstation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Ers:RateLimits:PerWorkstation:ReplenishmentPeriod", "01:00:00"),
        new("Ers:RateLimits:PerWorkstation:TokensPerPeriod", "1"),
        new("Ers:RateLimits:PerCard:TokenLimit", PerCard.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Ers:RateLimits:PerCard:ReplenishmentPeriod", "01:00:00"),
        new("Ers:RateLimits:PerCard:TokensPerPeriod", "1"),
        new("Ers:RateLimits:PerUser:TokenLimit", PerUser.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Ers:RateLimits:PerUser:ReplenishmentPeriod", "01:00:00"),
        new("Ers:RateLimits:PerUser:TokensPerPeriod", "1"),
    ];
}
