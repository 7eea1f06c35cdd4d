using System.Text.Json;
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

    /// <summary>How many notifications dunst has received: those it shows now plus those in its history (expired or closed).</summary>
    public async Task<int> NotificationCountAsync()
    {
        var displayed = await RunAsync("/usr/bin/dunstctl", "count", "displayed");
        var history = await RunAsync("/usr/bin/dunstctl", "count", "history");
        return int.TryParse(displayed.Output.Trim(), out var d) && int.TryParse(history.Output.Trim(), out var h) ? d + h : -1;
    }

    /// <summary>Waits until dunst has received more than <paramref name="count"/> notifications (its count polled every 10 ms).</summary>
    public Task WaitForNotificationsAsync(int count, TimeSpan timeout, string what) =>
        Eventually.TrueAsync(async () => await NotificationCountAsync() > count, $"dunst to receive {what}", timeout, TimeSpan.FromMilliseconds(10));

    /// <summary>
    /// Every notification dunst has received, newest first: closing those it shows moves them into its history,
    /// which <c>dunstctl history</c> prints as JSON.
    /// </summary>
    public async Task<IReadOnlyList<DunstNotification>> CloseAndReadNotificationsAsync()
    {
        await RunAsync("/usr/bin/dunstctl", "close-all");
        var (code, json) = await RunAsync("/usr/bin/dunstctl", "history");
        if (code != 0)
        {
            throw new InvalidOperationException($"dunstctl history failed ({code}): {json}");
        }

        return JsonDocument.Parse(json).RootElement.GetProperty("data")[0].EnumerateArray()
            .Select(n => new DunstNotification(Text(n, "summary"), Text(n, "body"), Text(n, "appname")))
            .ToList();

        static string Text(JsonElement notification, string field) => notification.GetProperty(field).GetProperty("data").GetString() ?? "";
    }

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
