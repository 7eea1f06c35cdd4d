using Ers.Testing.Processes;

namespace Ers.Testing.Desktop;

/// <summary>
/// A desktop session of the test's own: Xvfb, a private session D-Bus (<c>dbus-daemon --session</c> on a socket in
/// a temporary folder) and the real notification daemon <c>dunst</c> on that display and bus. All stopped at the end.
/// </summary>
public sealed class DesktopSession : IAsyncDisposable
{
    private readonly List<HostProcess> _processes = [];
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
        ProcessRunner.RequireFile("/usr/bin/dbus-daemon", "dbus-daemon");
        ProcessRunner.RequireFile("/usr/bin/dunst", "dunst");
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

    private Dictionary<string, string> Environment => new()
    {
        ["DISPLAY"] = X.Display,
        ["DBUS_SESSION_BUS_ADDRESS"] = BusAddress,
    };

    private void Start(string program, params string[] args) =>
        _processes.Add(HostProcess.Start(Path.GetFileName(program), program, "/", args,
            Environment.ToDictionary(e => e.Key, e => (string?)e.Value)));

    /// <summary>Runs a client (dunstctl, dbus-send) in this session; returns its exit code and output.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args) =>
        ProcessRunner.RunForResultAsync(program, args, Environment);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        await X.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
