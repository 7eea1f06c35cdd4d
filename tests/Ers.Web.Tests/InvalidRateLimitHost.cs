using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>Ers.Web with a rate limit that makes no sense: it must refuse to start, naming the section.</summary>
public sealed class InvalidRateLimitHost : AgentHost
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [new("Ers:RateLimits:PerCard:TokenLimit", "0")];
}
