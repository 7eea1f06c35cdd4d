using Ers.Agent.Hosting;

namespace Ers.Agent.Tests;

/// <summary>The origins the agent trusts (its server's, for the login statement; its browsers', for login links) are https only.</summary>
public sealed class AgentOriginOptionsTests
{
    [Theory]
    [InlineData("--server", "http://127.0.0.1:5443")]
    [InlineData("--browser-origin", "http://127.0.0.1:5080")]
    [InlineData("--browser-origin", "file:///tmp/login")]
    public void A_server_or_browser_origin_that_is_not_https_stops_the_agent(string option, string value)
    {
        string[] args = option == "--server" ? [option, value] : ["--server", "https://127.0.0.1:5443", option, value];

        var refused = Assert.Throws<AgentConfigurationException>(() => AgentOptions.Load(args).RequireServer());

        Assert.Contains($"{option} must be an https address", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_browser_origin_is_read_from_the_command_line() =>
        Assert.Equal(new Uri("https://ers.example.org:5080"),
            AgentOptions.Load(["--browser-origin", "https://ers.example.org:5080"]).BrowserOrigin);
}
