using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Agent.PcSc;
using Ers.Agent.Ui;
using Spectre.Console;

namespace Ers.Agent.Hosting;

/// <summary>Wires the agent from its options and runs it until Ctrl+C.</summary>
public static class AgentHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        AgentOptions options;
        (Uri Server, System.Security.Cryptography.X509Certificates.X509Certificate2 Workstation, System.Security.Cryptography.X509Certificates.X509Certificate2Collection Trust) server;
        try
        {
            options = AgentOptions.Load(args);
            server = options.RequireServer();
            if (options.UiMode is not ("terminal" or "desktop"))
            {
                throw new AgentConfigurationException($"--ui is terminal or desktop, not {options.UiMode}.");
            }
            if (options.RoleChoice is not ("" or "agent" or "browser"))
            {
                throw new AgentConfigurationException($"--role-choice is agent or browser, not {options.RoleChoice}.");
            }
        }
        catch (Exception ex) when (ex is AgentConfigurationException or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        using var telemetry = AgentTelemetry.Start(Environment.GetEnvironmentVariable(AgentTelemetry.OtlpEndpointKey));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        // systemd stops the user service with SIGTERM: the same orderly stop as Ctrl+C.
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });

        using var api = new HttpAgentApi(server.Server, server.Workstation, server.Trust);
        using var input = options.Input is null ? null : new StreamReader(options.Input);
        IAgentUi ui = options.NonInteractive
            ? new LineAgentUi(input ?? Console.In, Console.Out)
            : new SpectreAgentUi(AnsiConsole.Console);
        Ui.Desktop.DesktopNotifier? notifier = null;
        Ui.Desktop.StatusIcon? icon = null;
        if (options.UiMode == "desktop")
        {
            // Notifications need a session bus; without one the desktop mode still has the passcode dialog.
            notifier = Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } ? new Ui.Desktop.DesktopNotifier() : null;
            icon = notifier is null ? null : await PublishStatusIconAsync(ui);
            ui = new Ui.Desktop.DesktopAgentUi(ui, new Ui.Desktop.PinentryClient(options.Pinentry), notifier, icon);
        }
        IBrowserLauncher? browser = options.OpensBrowser(Environment.GetEnvironmentVariable)
            ? new ProcessBrowserLauncher(options.BrowserCommand)
            : null;
        var agent = new AgentJourney(
            new PcScCardReaderService(TimeProvider.System), api, ui, browser,
            TimeSpan.FromSeconds(Math.Max(1, options.HeartbeatSeconds)), TimeProvider.System, options.BrowserOrigin,
            options.RolesInBrowser);
        icon?.Menu.Attach(Ui.Desktop.StatusMenuActions.For(agent, icon, notifier, stop));
        ui.Show(new AgentNotice("", JourneyState.Waiting, NoticeLevel.Info, $"Ers agent for {server.Server}. {AgentMessages.WaitingForCard}"));
        await agent.RunAsync(stop.Token);
        (ui as IDisposable)?.Dispose();
        return 0;
    }

    private static async Task<Ui.Desktop.StatusIcon?> PublishStatusIconAsync(IAgentUi ui)
    {
        try
        {
            var connection = new Tmds.DBus.Connection(Tmds.DBus.Address.Session!);
            await connection.ConnectAsync();
            var icon = new Ui.Desktop.StatusIcon();
            await icon.PublishAsync(connection);
            return icon;
        }
        catch (Exception ex) when (ex is Tmds.DBus.ConnectException or Tmds.DBus.DBusException or IOException)
        {
            ui.Show(new AgentNotice("", JourneyState.Waiting, NoticeLevel.Warning, "The status icon is not available: " + ex.Message));
            return null;
        }
    }
}
