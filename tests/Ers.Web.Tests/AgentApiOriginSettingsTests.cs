using Ers.Web.Apis;

namespace Ers.Web.Tests;

/// <summary>Where the origin of the login statements comes from, and the settings that stop start-up (AgentApiOrigin.From).</summary>
public sealed class AgentApiOriginSettingsTests
{
    [Theory]
    [InlineData("https://Ers.Example.org", null, null, "https://ers.example.org")]
    [InlineData("https://ers.example.org:8443/", "https://127.0.0.1:5443", "https://pages.example.org", "https://ers.example.org:8443")]
    [InlineData(null, "https://127.0.0.1:5443", "https://pages.example.org", "https://127.0.0.1:5443")]
    [InlineData(null, "https://localhost:443", null, "https://localhost")]
    [InlineData(null, null, "https://ers.example.org/ers/", "https://ers.example.org")]
    public void The_origin_is_the_public_one_else_the_listeners_else_the_browsers(string? publicOrigin, string? httpsUrl, string? browser, string origin)
    {
        var problems = new List<string>();

        var resolved = AgentApiOrigin.From(new AgentApiOptions { PublicOrigin = publicOrigin, HttpsUrl = httpsUrl, BrowserBaseUrl = browser }, problems);

        Assert.Empty(problems);
        Assert.Equal(origin, resolved.Value);
    }

    [Theory]
    [InlineData("http://ers.example.org", null, null)]
    [InlineData("https://ers.example.org/agents", null, null)]
    [InlineData("https://ers.example.org/?x=1", null, null)]
    [InlineData("https://user@ers.example.org", null, null)]
    [InlineData("ers.example.org", null, null)]
    [InlineData(null, "https://0.0.0.0:5443", null)]
    [InlineData(null, "https://+:5443", null)]
    [InlineData(null, "https://[::]:5443", null)]
    [InlineData(null, "http://127.0.0.1:5443", null)]
    [InlineData(null, null, null)]
    [InlineData(null, null, "http://ers.example.org")]
    public void A_setting_that_names_no_https_origin_stops_start_up(string? publicOrigin, string? httpsUrl, string? browser)
    {
        var problems = new List<string>();

        AgentApiOrigin.From(new AgentApiOptions { PublicOrigin = publicOrigin, HttpsUrl = httpsUrl, BrowserBaseUrl = browser }, problems);

        Assert.Contains(problems, p => p.StartsWith("Ers:AgentApi:", StringComparison.Ordinal));
    }
}
