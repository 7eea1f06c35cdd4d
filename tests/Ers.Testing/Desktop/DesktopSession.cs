using System.Diagnostics;

namespace Ers.Agent.Tests;

/// <summary>
/// A desktop session of the test's own: Xvfb, a private session D-Bus (<c>dbus-daemon --session</c> on a socket in
/// a temporary folder) and the real notification daemon <c>dunst</c> on that display and bus. All stopped at the end.
/// </summary>
public sealed class DesktopSession : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly DirectoryInfo _directory;

    private DesktopSession(XvfbDisplay x, DirectoryInfo directory)
    {
        X = x;
        _directory = directory;
        BusAddress = $"unix:path={Path.Combine(directory.FullName, "bus")}";
    }

    public XvfbDisplay X { get; }

    public string BusAddress { get; }

    public static async Task<DesktopSession> StartAsync()
    {
        XvfbDisplay.Require("/usr/bin/dbus-daemon", "dbus-daemon");
        XvfbDisplay.Require("/usr/bin/dunst", "dunst");
        var session = new DesktopSession(await XvfbDisplay.StartAsync(), Directory.CreateTempSubdirectory("ers-desktop-"));
        try
        {
            session.Start("/usr/bin/dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=" + session.BusAddress);
            var socket = Path.Combine(session._directory.FullName, "bus");
            if (!await Eventually.TryAsync(() => File.Exists(socket), TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("dbus-daemon did not create its socket.");
            }
            session.Start("/usr/bin/dunst");
            // Wait without activating: NameHasOwner never starts a service, a notification call could.
            if (!await Eventually.TryAsync(async () => (await session.RunAsync("/usr/bin/dbus-send", "--print-reply", "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications")).Output.Contains("boolean true", StringComparison.Ordinal),
                    TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("dunst did not take org.freedesktop.Notifications on the session bus.");
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private void Start(string program, params string[] args)
    {
        var start = NewStart(program, args);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private ProcessStartInfo NewStart(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DISPLAY"] = X.Display;
        start.Environment["DBUS_SESSION_BUS_ADDRESS"] = BusAddress;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    /// <summary>Runs a client (dunstctl, dbus-send) in this session; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(NewStart(program, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        await X.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
