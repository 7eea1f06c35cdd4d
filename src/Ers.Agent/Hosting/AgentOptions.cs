using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Ers.Agent.Hosting;

/// <summary>The agent's settings: <c>appsettings.json</c> beside the agent, then the workstation's
/// <c>/etc/ers-agent/agent.json</c>, then the user's <c>~/.config/ers-agent/agent.json</c> (<c>$XDG_CONFIG_HOME</c>),
/// then <c>ERS_AGENT_*</c> environment variables, then the command line, each overriding the one before.</summary>
public sealed class AgentOptions
{
    /// <summary>Base address of Ers's agents' API, e.g. https://127.0.0.1:5443.</summary>
    public Uri? Server { get; set; }

    /// <summary>The workstation's client certificate: a PFX/P12, or a PEM certificate (key in the same file or <see cref="WorkstationKey"/>).</summary>
    public string? WorkstationCertificate { get; set; }

    public string? WorkstationKey { get; set; }

    public string? WorkstationCertificatePassword { get; set; }

    /// <summary>PEM file with the CA certificate(s) the server's certificate must chain to.</summary>
    public string? ServerCa { get; set; }

    /// <summary>
    /// A third of the server's default heartbeat timeout (30 s): a heartbeat sent every timeout would end the session
    /// whenever one arrived a moment late.
    /// </summary>
    public int HeartbeatSeconds { get; set; } = 10;

    /// <summary>
    /// The origin of Ers's browser pages (<c>https://host[:port]</c>), e.g. https://127.0.0.1:5080: the only origin
    /// whose login links the agent opens or prints. Empty: the origin of <see cref="Server"/>.
    /// </summary>
    public Uri? BrowserOrigin { get; set; }

    public const string DefaultBrowserCommand = "xdg-open";

    public string BrowserCommand { get; set; } = DefaultBrowserCommand;

    /// <summary>Print the login URL instead of opening a browser.</summary>
    public bool NoBrowser { get; set; }

    /// <summary>
    /// Whether the login URL is handed to <see cref="BrowserCommand"/>: not with <c>--no-browser</c>, and not when the
    /// default <c>xdg-open</c> has no desktop to open a browser on (Linux without <c>DISPLAY</c> or
    /// <c>WAYLAND_DISPLAY</c>, e.g. over SSH), where it fails or picks a text browser the user never sees; the agent
    /// then prints the URL. A <c>--browser</c> command of the user's own is always run.
    /// </summary>
    public bool OpensBrowser(Func<string, string?> environment) =>
        !NoBrowser && (BrowserCommand != DefaultBrowserCommand || !OperatingSystem.IsLinux() ||
            environment("DISPLAY") is { Length: > 0 } || environment("WAYLAND_DISPLAY") is { Length: > 0 });

    /// <summary>Read the passcode and role choices as lines (see <see cref="Ui.LineAgentUi"/>) instead of prompting.</summary>
    public bool NonInteractive { get; set; }

    /// <summary>With <see cref="NonInteractive"/>: a file or FIFO to read lines from instead of stdin.</summary>
    public string? Input { get; set; }

    /// <summary><c>terminal</c> (default) or <c>desktop</c>: the passcode in the desktop's pinentry dialog.</summary>
    public string UiMode { get; set; } = "terminal";

    /// <summary>
    /// Where a user of several role profiles chooses one: <c>agent</c> (asked in the terminal) or <c>browser</c> (the
    /// role page of the browser the agent opens, as CIS2 does). Empty: <c>browser</c> with <c>--ui desktop</c> (a user
    /// service has no terminal to ask in), else <c>agent</c>.
    /// </summary>
    public string RoleChoice { get; set; } = "";

    /// <summary>Whether roles are chosen in the browser (<see cref="RoleChoice"/>).</summary>
    public bool RolesInBrowser => RoleChoice is { Length: > 0 } choice ? choice == "browser" : UiMode == "desktop";

    /// <summary>With <c>--ui desktop</c>: the pinentry program (Debian's <c>pinentry</c> points at the installed one).</summary>
    public string Pinentry { get; set; } = "pinentry";

    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--server"] = nameof(Server),
        ["--workstation-cert"] = nameof(WorkstationCertificate),
        ["--workstation-key"] = nameof(WorkstationKey),
        ["--workstation-cert-password"] = nameof(WorkstationCertificatePassword),
        ["--server-ca"] = nameof(ServerCa),
        ["--heartbeat-seconds"] = nameof(HeartbeatSeconds),
        ["--browser"] = nameof(BrowserCommand),
        ["--browser-origin"] = nameof(BrowserOrigin),
        ["--input"] = nameof(Input),
        ["--ui"] = nameof(UiMode),
        ["--pinentry"] = nameof(Pinentry),
        ["--role-choice"] = nameof(RoleChoice),
    };

    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--no-browser"] = nameof(NoBrowser),
        ["--non-interactive"] = nameof(NonInteractive),
    };

    /// <summary>The workstation-wide settings folder (the package installs its <c>agent.json</c> as a conffile).</summary>
    public const string SystemDirectory = "/etc/ers-agent";

    public const string SettingsFileName = "agent.json";

    public static AgentOptions Load(string[] args) => Load(args, Environment.GetEnvironmentVariable, SystemDirectory);

    /// <summary>The settings files read, lowest precedence first (each optional).</summary>
    public static IReadOnlyList<string> SettingsFiles(Func<string, string?> environment, string systemDirectory)
    {
        var files = new List<string> { Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(systemDirectory, SettingsFileName) };
        // The XDG base directory rule: $XDG_CONFIG_HOME when set and absolute, otherwise ~/.config.
        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg
            : environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".config") : null;
        if (configHome is not null)
        {
            files.Add(Path.Combine(configHome, "ers-agent", SettingsFileName));
        }
        return files;
    }

    public static AgentOptions Load(string[] args, Func<string, string?> environment, string systemDirectory)
    {
        // Flags take no value; the configuration command-line provider wants one, so they are rewritten first.
        var rewritten = args.Select(a => Flags.TryGetValue(a, out var key) ? $"--{key}=true" : a).ToArray();
        var builder = new ConfigurationBuilder();
        foreach (var file in SettingsFiles(environment, systemDirectory))
        {
            builder.AddJsonFile(file, optional: true, reloadOnChange: false);
        }
        var configuration = builder
            .AddEnvironmentVariables("ERS_AGENT_")
            .AddCommandLine(rewritten, Switches)
            .Build();
        var options = new AgentOptions();
        configuration.GetSection("Agent").Bind(options);
        configuration.Bind(options);
        return options;
    }

    /// <summary>Settings needed to talk to Ers; each missing one is named in the message.</summary>
    public (Uri Server, X509Certificate2 Workstation, X509Certificate2Collection ServerTrust) RequireServer()
    {
        var server = Server ?? throw new AgentConfigurationException("Set the Ers address: --server https://host:port (or ERS_AGENT_SERVER).");
        foreach (var (name, address) in new[] { ("--server", server), ("--browser-origin", BrowserOrigin) })
        {
            // The login statements name the server's origin and login links must be on the browsers' one: https only.
            if (address is not null && !(address.IsAbsoluteUri && address.Scheme == Uri.UriSchemeHttps && address.Host.Length > 0))
            {
                throw new AgentConfigurationException($"{name} must be an https address (https://host:port), not {address}.");
            }
        }
        var certPath = WorkstationCertificate ?? throw new AgentConfigurationException("Set the workstation certificate: --workstation-cert path (or ERS_AGENT_WORKSTATIONCERTIFICATE).");
        var caPath = ServerCa ?? throw new AgentConfigurationException("Set the CA that signs Ers's server certificate: --server-ca path.pem (or ERS_AGENT_SERVERCA).");
        try
        {
            var workstation = certPath.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certPath.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
                ? X509CertificateLoader.LoadPkcs12FromFile(certPath, WorkstationCertificatePassword)
                : X509Certificate2.CreateFromPemFile(certPath, WorkstationKey);
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(caPath);
            if (trust.Count == 0)
            {
                throw new AgentConfigurationException($"No certificate found in {caPath}.");
            }
            return (server, workstation, trust);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new AgentConfigurationException($"Cannot load the workstation certificate or server CA: {ex.Message}");
        }
    }
}
