using System.Text.Json;
using Ers.Testing.Desktop;
using Ers.Testing.Processes;

namespace Ers.Testing.EndToEnd;

/// <summary>
/// The built agent run as its systemd user unit runs it on a workstation: the unit's own <c>ExecStart</c> arguments
/// (read from <c>packaging/ers-agent/ers-agent.service</c>, not restated), the agent's own executable from its build
/// output, its settings from the user's settings file (<c>agent.json</c> in <c>$XDG_CONFIG_HOME</c>'s <c>ers-agent</c> folder), standard input
/// closed, on a <see cref="DesktopSession"/> (Xvfb, session D-Bus, dunst), against the <see cref="EndToEndStack"/>'s
/// Ers. Its passcode dialog is the real <c>pinentry-gtk-2</c> (behind a tap that keeps a copy of the Assuan commands
/// the dialog is sent, see <see cref="DialogCommands"/>), its browser a <see cref="DesktopChromium"/> on the display.
/// </summary>
public sealed class DesktopAgentProcess : IAsyncDisposable
{
    private const string Pinentry = "/usr/bin/pinentry-gtk-2";
    private readonly DirectoryInfo _folder;
    private readonly DesktopSession _desktop;

    private DesktopAgentProcess(DirectoryInfo folder, DesktopSession desktop, DesktopChromium chromium, HostProcess process)
    {
        _folder = folder;
        _desktop = desktop;
        Chromium = chromium;
        Process = process;
    }

    public HostProcess Process { get; }

    /// <summary>The browser the agent opens login links in.</summary>
    public DesktopChromium Chromium { get; }

    /// <summary>The D-Bus name of the agent's status icon (StatusNotifierItem), named after its process id.</summary>
    public string IconBusName => $"org.kde.StatusNotifierItem-{Process.Pid}-1";

    private string TapLog => Path.Combine(_folder.FullName, "pinentry-commands.log");

    /// <summary>
    /// The Assuan commands every passcode dialog so far was sent (SETDESC, SETERROR, GETPIN, ...). Never the passcode:
    /// the dialog sends that back on its output, which the tap does not copy.
    /// </summary>
    public string DialogCommands => File.Exists(TapLog) ? File.ReadAllText(TapLog) : "";

    public static async Task<DesktopAgentProcess> StartAsync(EndToEndStack stack, DesktopSession desktop)
    {
        ProcessRunner.RequireFile(Pinentry, "pinentry-gtk2");
        var folder = Directory.CreateTempSubdirectory("ers-desktop-agent-");
        DesktopChromium? chromium = null;
        try
        {
            chromium = await DesktopChromium.CreateAsync(stack.ServerCaPath);
            var tap = Path.Combine(folder.FullName, "pinentry-tap");
            var log = Path.Combine(folder.FullName, "pinentry-commands.log");
            // exec: the agent's child is pinentry itself (it kills that one when the card is pulled mid-question).
            ProcessRunner.WriteScript(tap, $"#!/bin/bash\nexec {Pinentry} \"$@\" < <(exec tee -a '{log}')\n");

            var config = Directory.CreateDirectory(Path.Combine(folder.FullName, "config", "ers-agent")).FullName;
            await File.WriteAllTextAsync(Path.Combine(config, "agent.json"), JsonSerializer.Serialize(new
            {
                Agent = new
                {
                    Server = stack.AgentUrl.ToString(),
                    BrowserOrigin = stack.BrowserUrl.ToString(),
                    WorkstationCertificate = stack.WorkstationPfx,
                    WorkstationCertificatePassword = "",
                    ServerCa = stack.ServerCaPath,
                    Pinentry = tap,
                    BrowserCommand = chromium.Command,
                },
            }));

            // The unit's own command line; only the executable's place differs (the build output, not /usr/lib).
            var execStart = File.ReadLines(RepoRoot.Combine("packaging", "ers-agent", "ers-agent.service"))
                .Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var process = HostProcess.Start("ers-agent", BuildOutput.Of("Ers.Agent", "Ers.Agent"), folder.FullName, execStart[1..],
                new Dictionary<string, string?>
                {
                    ["DISPLAY"] = desktop.X.Display,
                    ["WAYLAND_DISPLAY"] = null,
                    ["DBUS_SESSION_BUS_ADDRESS"] = desktop.BusAddress,
                    ["XDG_CONFIG_HOME"] = Path.Combine(folder.FullName, "config"),
                    ["LANG"] = "C.UTF-8",
                });
            var agent = new DesktopAgentProcess(folder, desktop, chromium, process);
            chromium = null; // the agent's now
            try
            {
                process.CloseInput(); // a unit's standard input is /dev/null
                await process.WaitForLineAsync(l => l.Contains("Ers agent for " + stack.AgentUrl, StringComparison.Ordinal),
                    TimeSpan.FromSeconds(60), "its start on this Ers");
                return agent;
            }
            catch
            {
                await agent.DisposeAsync();
                throw;
            }
        }
        catch when (chromium is not null)
        {
            await chromium.DisposeAsync();
            folder.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>A property of the agent's status icon, read over the session bus as a tray reads it (dbus-send's reply).</summary>
    public async Task<string> IconPropertyAsync(string property)
    {
        var (code, output) = await _desktop.RunAsync("/usr/bin/dbus-send", "--print-reply", "--dest=" + IconBusName, "/StatusNotifierItem",
            "org.freedesktop.DBus.Properties.Get", "string:org.kde.StatusNotifierItem", "string:" + property);
        return code == 0 ? output : throw new InvalidOperationException($"The icon's {property} could not be read ({code}): {output}");
    }

    /// <summary>How many lines the agent printed (its journal) that contain <paramref name="text"/>.</summary>
    public int LinesWith(string text) => Process.Output.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits until the agent printed more than <paramref name="seen"/> lines containing <paramref name="text"/>; returns the last.</summary>
    public async Task<string> WaitForLineAsync(string text, int seen, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => LinesWith(text) > seen || Process.HasExited, $"the agent to print '{text}'", timeout, TimeSpan.FromMilliseconds(10));
        return LinesWith(text) > seen
            ? Process.Output.Split('\n').Last(l => l.Contains(text, StringComparison.Ordinal))
            : throw new InvalidOperationException($"The agent exited ({Process.ExitCode}) before printing '{text}'. Output:\n{Process.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Process.StopAsync(TimeSpan.FromSeconds(15));
        }
        catch (OperationCanceledException)
        {
            // Did not stop in time: killed by DisposeAsync.
        }

        try
        {
            await Process.DisposeAsync();
            await Chromium.DisposeAsync();
        }
        finally
        {
            _folder.Delete(recursive: true);
        }
    }
}
