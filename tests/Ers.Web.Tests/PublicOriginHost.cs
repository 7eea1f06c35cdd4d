using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>Ers.Web whose agents' API is configured as reached at another origin than its listener (behind a proxy).</summary>
public sealed class PublicOriginHost : AgentHost
{
    /// <summary>Given in upper case with the default port, so the setting's normalisation is exercised too.</summary>
    public const string Configured = "https://ERS.Example.ORG:443/";

    public const string Origin = "https://ers.example.org";

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [new("Ers:AgentApi:PublicOrigin", Configured)];
}
