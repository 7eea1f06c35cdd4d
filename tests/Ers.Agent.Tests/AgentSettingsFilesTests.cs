using Ers.Agent.Hosting;

namespace Ers.Agent.Tests;

/// <summary>
/// The settings the user service reads: /etc/ers-agent/agent.json, then ~/.config/ers-agent/agent.json (or
/// $XDG_CONFIG_HOME's), each overriding the one before, and the command line over both.
/// </summary>
public sealed class AgentSettingsFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ers-agent-settings-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string directory, string json)
    {
        var path = Path.Combine(_root, directory);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, AgentOptions.SettingsFileName), json);
        return path;
    }

    [Fact]
    public void The_users_file_overrides_the_workstations_and_the_command_line_overrides_both()
    {
        var system = Write("etc", """{ "Agent": { "Server": "https://ers.example:5443", "ServerCa": "/etc/ers-agent/server-ca.pem", "HeartbeatSeconds": 7 } }""");
        Write(Path.Combine("home", ".config", "ers-agent"), """{ "Agent": { "HeartbeatSeconds": 5, "Pinentry": "/usr/bin/pinentry-gnome3" } }""");
        string? Environment(string name) => name == "HOME" ? Path.Combine(_root, "home") : null;

        var options = AgentOptions.Load(["--ui", "desktop"], Environment, system);
        Assert.Equal(new Uri("https://ers.example:5443"), options.Server);
        Assert.Equal("/etc/ers-agent/server-ca.pem", options.ServerCa);
        Assert.Equal(5, options.HeartbeatSeconds);
        Assert.Equal("/usr/bin/pinentry-gnome3", options.Pinentry);
        Assert.Equal("desktop", options.UiMode);
        Assert.Equal(3, AgentOptions.Load(["--heartbeat-seconds", "3"], Environment, system).HeartbeatSeconds);
    }

    [Fact]
    public void XDG_CONFIG_HOME_replaces_the_dot_config_folder_and_missing_files_are_fine()
    {
        Write(Path.Combine("xdg", "ers-agent"), """{ "Agent": { "Server": "https://from-xdg:5443" } }""");
        Write(Path.Combine("home", ".config", "ers-agent"), """{ "Agent": { "Server": "https://from-home:5443" } }""");
        string? Environment(string name) => name switch
        {
            "XDG_CONFIG_HOME" => Path.Combine(_root, "xdg"),
            "HOME" => Path.Combine(_root, "home"),
            _ => null,
        };

        Assert.Equal(new Uri("https://from-xdg:5443"), AgentOptions.Load([], Environment, Path.Combine(_root, "no-such-dir")).Server);
        Assert.Equal(10, AgentOptions.Load([], _ => null, Path.Combine(_root, "no-such-dir")).HeartbeatSeconds);
    }
}
