using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>Ers.Web allowing five requests per client address (no refill during a test).</summary>
public sealed class AddressLimitedHost : AgentHost
{
    public const int PerAddress = 5;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Ers:RateLimits:PerClientAddress:TokenLimit", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Ers:RateLimits:PerClientAddress:ReplenishmentPeriod", "01:00:00"),
        new("Ers:RateLimits:PerClientAddress:TokensPerPeriod", "1"),
    ];
}
