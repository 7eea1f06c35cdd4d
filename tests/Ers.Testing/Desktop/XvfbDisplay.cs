using Ers.Testing.Processes;

namespace Ers.Testing.Desktop;

/// <summary>
/// A real X server of the test's own (Xvfb, loopback only: <c>-nolisten tcp</c>) on the first free display number,
/// stopped at the end. Tests find windows, type into them (<c>xdotool</c>) and take screenshots (ImageMagick
/// <c>import</c>) on it.
/// </summary>
public sealed class XvfbDisplay : IAsyncDisposable
{
    // The first GTK program a suite starts on a fresh display was seen to take over 30 s to map its window on this
    // 2-core machine (no window at all yet, twice in seven clean-clone runs): the bound is generous, not a timing.
    private static readonly TimeSpan WindowTimeout = TimeSpan.FromSeconds(90);

    private readonly HostProcess _xvfb;
    private readonly int _pid;
    private int _number;

    private XvfbDisplay(HostProcess xvfb, string display)
    {
        _xvfb = xvfb;
        _pid = xvfb.Pid;
        Display = display;
    }

    /// <summary>":N", for DISPLAY.</summary>
    public string Display { get; }

    public static async Task<XvfbDisplay> StartAsync()
    {
        ProcessRunner.RequireFile("/usr/bin/Xvfb", "xvfb");
        // One start at a time in this process: two tests that both saw :N free started two servers on it.
        await Starting.WaitAsync();
        try
        {
            for (var number = 90; number < 200; number++)
            {
                if (InUse(number))
                {
                    continue;
                }
                // -noreset: by default an X server resets each time its last client disconnects, and drops the
                // clients that connect meanwhile. A display whose only clients come and go (a pinentry per question,
                // an xdotool per look) then failed a pinentry's gtk_init_check now and then: strace showed its
                // connect succeed and the curses fallback follow (ERR 83918950 "Inappropriate ioctl for device").
                var process = HostProcess.Start($"Xvfb :{number}", "/usr/bin/Xvfb", "/",
                    [$":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"]);
                var socket = $"/tmp/.X11-unix/X{number}";
                var ready = await Eventually.TryAsync(() => (File.Exists(socket) && OwnsLock(number, process.Pid) && OwnsAbstractSocket(number, process.Pid))
                    || process.HasExited, TimeSpan.FromSeconds(20));
                if (ready && !process.HasExited)
                {
                    return new XvfbDisplay(process, $":{number}") { _number = number };
                }
                // Another server holds the number (the socket that appeared was its own, and this one exits on the
                // lock it found): never share it, as two tests' keys and grabs would then meet on one display.
                await process.DisposeAsync();
            }
            throw new InvalidOperationException("No free X display number between :90 and :199.");
        }
        finally
        {
            Starting.Release();
        }
    }

    private static readonly SemaphoreSlim Starting = new(1, 1);

    /// <summary>Whether the display's lock file names <paramref name="pid"/>: the server that answers is this one.</summary>
    private static bool OwnsLock(int number, int pid)
    {
        try
        {
            return int.TryParse(File.ReadAllText($"/tmp/.X{number}-lock").Trim(), System.Globalization.NumberStyles.Integer,
                System.Globalization.CultureInfo.InvariantCulture, out var owner) && owner == pid;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Runs an X client (xdotool, import) on this display; returns its exit code and output.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args) =>
        ProcessRunner.RunForResultAsync(program, args, new Dictionary<string, string> { ["DISPLAY"] = Display });

    /// <summary>
    /// Waits until a window with this exact title is mapped; returns its id. <paramref name="shownBy"/>, the task
    /// that shows the window (a pinentry question), fails the wait at once when it ends first, with its exception.
    /// <paramref name="notOfProcess"/>: windows of this process do not count (the dialog before this one, maybe still
    /// closing; its window id says nothing, as the X server hands the next client the same ids);
    /// <paramref name="every"/>: how often to look (50 ms unless told; a benchmark looks more often).
    /// </summary>
    public async Task<string> WaitForWindowAsync(string title, Task? shownBy = null, int? notOfProcess = null, TimeSpan? every = null)
    {
        ProcessRunner.RequireFile("/usr/bin/xdotool", "xdotool");
        string? id = null;
        var found = await Eventually.TryAsync(async () =>
        {
            if (shownBy is { IsCompleted: true })
            {
                await shownBy; // a fault surfaces here, with its reason
                throw new InvalidOperationException($"The task that shows '{title}' ended before its window appeared on {Display}.");
            }
            var (code, output) = await RunAsync("/usr/bin/xdotool", "search", "--onlyvisible", "--name", $"^{title}$");
            id = null;
            foreach (var window in code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [])
            {
                if (notOfProcess is null || await WindowProcessAsync(window) != notOfProcess)
                {
                    id = window;
                    break;
                }
            }

            return id is not null;
        }, WindowTimeout, every);
        if (found)
        {
            return id!;
        }
        // For diagnosis: the names of all windows on the display (a dialog under another title, or none at all).
        var (_, all) = await RunAsync("/usr/bin/xdotool", "search", "--name", ".", "getwindowname", "%@");
        throw new TimeoutException($"No window titled '{title}' appeared on {Display} within {WindowTimeout.TotalSeconds:0} s. Windows: {all.ReplaceLineEndings(" | ")}");
    }

    /// <summary>The process that owns a window (its _NET_WM_PID, which GTK sets), or null when it names none.</summary>
    public async Task<int?> WindowProcessAsync(string window)
    {
        var (code, output) = await RunAsync("/usr/bin/xdotool", "getwindowpid", window);
        return code == 0 && int.TryParse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>Saves the whole screen as a PNG.</summary>
    public async Task ScreenshotAsync(string path)
    {
        ProcessRunner.RequireFile("/usr/bin/import", "imagemagick");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var (code, output) = await RunAsync("/usr/bin/import", "-window", "root", path);
        if (code != 0)
        {
            throw new InvalidOperationException($"import failed ({code}): {output}");
        }
    }

    /// <summary>
    /// Stops the server with SIGTERM, so it removes its own lock file and socket; a killed one leaves both behind,
    /// and display numbers ran out after a few suites on one machine.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _xvfb.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // Did not stop in time: killed below, and its files removed.
        }

        await _xvfb.DisposeAsync();
        // Only this server's own leftovers (it was killed): once it is gone, the number may already be another's.
        await Starting.WaitAsync();
        try
        {
            if (OwnsLock(_number, _pid))
            {
                RemoveFiles(_number);
            }
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>
    /// A display number is in use when its lock file names a live process, or anything still listens on its
    /// sockets; a lock file of a dead one (a server killed earlier) is stale, and it and its socket are removed, as
    /// the X server itself would.
    /// </summary>
    private static bool InUse(int number)
    {
        // A server that was told to stop removes its lock file and socket first and holds its abstract socket
        // (@/tmp/.X11-unix/XN, which X clients try first) until it exits: a new server started on that number
        // then fails to bind the abstract socket, and its first client reached the dying one, so GTK could not open
        // the display (pinentry fell back to curses: ERR "Inappropriate ioctl for device").
        if (Listening(number))
        {
            return true;
        }

        var lockFile = $"/tmp/.X{number}-lock";
        if (!File.Exists(lockFile))
        {
            return File.Exists($"/tmp/.X11-unix/X{number}");
        }

        try
        {
            var pid = int.Parse(File.ReadAllText(lockFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (Directory.Exists($"/proc/{pid}"))
            {
                return true;
            }
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or UnauthorizedAccessException)
        {
            return true;
        }

        RemoveFiles(number);
        return false;
    }

    /// <summary>Whether a socket of display <paramref name="number"/> (abstract or in /tmp) is bound, from /proc/net/unix.</summary>
    private static bool Listening(int number)
    {
        try
        {
            return BoundSockets(number).Count > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> holds the display's abstract socket (the one X clients connect to first): its
    /// inode in /proc/net/unix is one of the process's open sockets.
    /// </summary>
    private static bool OwnsAbstractSocket(int number, int pid)
    {
        try
        {
            var inodes = BoundSockets(number).Where(s => s.Abstract).Select(s => s.Inode).ToHashSet();
            return inodes.Count > 0 && Directory.EnumerateFiles($"/proc/{pid}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget)
                .Any(target => target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The unix sockets bound at display <paramref name="number"/>'s path, /tmp/.X11-unix/XN, or at its abstract twin
    /// @/tmp/.X11-unix/XN, as /proc/net/unix lists them (path last, inode the seventh field): each one's inode and
    /// whether it is the abstract one.
    /// </summary>
    private static List<(string Inode, bool Abstract)> BoundSockets(int number)
    {
        var path = $"/tmp/.X11-unix/X{number}";
        var sockets = new List<(string Inode, bool Abstract)>();
        foreach (var line in File.ReadLines("/proc/net/unix"))
        {
            var isAbstract = line.EndsWith(" @" + path, StringComparison.Ordinal);
            if (isAbstract || line.EndsWith(" " + path, StringComparison.Ordinal))
            {
                sockets.Add((line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[6], isAbstract));
            }
        }

        return sockets;
    }

    private static void RemoveFiles(int number)
    {
        foreach (var path in new[] { $"/tmp/.X{number}-lock", $"/tmp/.X11-unix/X{number}" })
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process's file, or already gone.
            }
        }
    }
}
