using System.Globalization;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>Ers.Web answering two unidentified refusals per client address at once and holding one more (no refill during a test).</summary>
public sealed class PacedHost : AgentHost
{
    public const int Burst = 2;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Ers:RateLimits:UnidentifiedPerClientAddress:TokenLimit", Burst.ToString(CultureInfo.InvariantCulture)),
        new("Ers:RateLimits:UnidentifiedPerClientAddress:TokensPerPeriod", "1"),
        new("Ers:RateLimits:UnidentifiedPerClientAddress:ReplenishmentPeriod", "01:00:00"),
        new("Ers:RateLimits:UnidentifiedPerClientAddress:QueueLimit", "1"),
    ];
}
