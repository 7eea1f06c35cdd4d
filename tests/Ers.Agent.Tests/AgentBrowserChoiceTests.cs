using Ers.Agent.Hosting;

namespace Ers.Agent.Tests;

/// <summary>When the agent hands the login link to a browser command and when it prints it (a headless machine).</summary>
public sealed class AgentBrowserChoiceTests
{
    private static readonly Func<string, string?> Headless = _ => null;

    [Fact]
    public void Without_a_desktop_the_default_xdg_open_is_not_run_and_the_link_is_printed()
    {
        Assert.False(AgentOptions.Load([]).OpensBrowser(Headless));
        Assert.False(AgentOptions.Load([]).OpensBrowser(name => name == "DISPLAY" ? "" : null));
    }

    [Theory]
    [InlineData("DISPLAY", ":0")]
    [InlineData("WAYLAND_DISPLAY", "wayland-0")]
    public void On_a_desktop_the_default_xdg_open_is_run(string variable, string value) =>
        Assert.True(AgentOptions.Load([]).OpensBrowser(name => name == variable ? value : null));

    [Fact]
    public void A_browser_command_of_the_users_own_is_run_even_without_a_desktop() =>
        Assert.True(AgentOptions.Load(["--browser", "/usr/local/bin/open-on-my-laptop"]).OpensBrowser(Headless));

    [Fact]
    public void No_browser_always_prints_the_link() =>
        Assert.False(AgentOptions.Load(["--no-browser"]).OpensBrowser(name => name == "DISPLAY" ? ":0" : null));

    [Fact]
    public void The_shipped_settings_heartbeat_well_inside_the_servers_30_second_timeout() =>
        Assert.Equal(10, AgentOptions.Load([]).HeartbeatSeconds);
}
