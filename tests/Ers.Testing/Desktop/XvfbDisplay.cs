using System.Diagnostics;

namespace Ers.Agent.Tests;

/// <summary>
/// A real X server of the test's own (Xvfb, loopback only: <c>-nolisten tcp</c>) on the first free display number,
/// stopped at the end. Tests find windows, type into them (<c>xdotool</c>) and take screenshots (ImageMagick
/// <c>import</c>) on it.
/// </summary>
public sealed class XvfbDisplay : IAsyncDisposable
{
    private readonly Process _xvfb;

    private XvfbDisplay(Process xvfb, string display)
    {
        _xvfb = xvfb;
        Display = display;
    }

    /// <summary>":N", for DISPLAY.</summary>
    public string Display { get; }

    public static async Task<XvfbDisplay> StartAsync()
    {
        Require("/usr/bin/Xvfb", "xvfb");
        for (var number = 90; number < 200; number++)
        {
            if (File.Exists($"/tmp/.X{number}-lock") || File.Exists($"/tmp/.X11-unix/X{number}"))
            {
                continue;
            }
            var start = new ProcessStartInfo("/usr/bin/Xvfb")
            {
                ArgumentList = { $":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var socket = $"/tmp/.X11-unix/X{number}";
            var ready = await Eventually.TryAsync(() => File.Exists(socket) || process.HasExited, TimeSpan.FromSeconds(20));
            if (ready && !process.HasExited)
            {
                return new XvfbDisplay(process, $":{number}");
            }
            // Another test took the number between the check and the start: try the next one.
            process.Dispose();
        }
        throw new InvalidOperationException("No free X display number between :90 and :199.");
    }

    /// <summary>Runs an X client (xdotool, import) on this display; returns its standard output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DISPLAY"] = Display;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Waits until a window with this exact title is mapped; returns its id.</summary>
    public async Task<string> WaitForWindowAsync(string title)
    {
        Require("/usr/bin/xdotool", "xdotool");
        string? id = null;
        var found = await Eventually.TryAsync(async () =>
        {
            var (code, output) = await RunAsync("/usr/bin/xdotool", "search", "--onlyvisible", "--name", $"^{title}$");
            id = code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
            return id is not null;
        }, TimeSpan.FromSeconds(30));
        if (found)
        {
            return id!;
        }
        // For diagnosis: the names of all windows on the display (a dialog under another title, or none at all).
        var (_, all) = await RunAsync("/usr/bin/xdotool", "search", "--name", ".", "getwindowname", "%@");
        throw new TimeoutException($"No window titled '{title}' appeared on {Display} within 30 s. Windows: {all.ReplaceLineEndings(" | ")}");
    }

    /// <summary>Saves the whole screen as a PNG.</summary>
    public async Task ScreenshotAsync(string path)
    {
        Require("/usr/bin/import", "imagemagick");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var (code, output) = await RunAsync("/usr/bin/import", "-window", "root", path);
        if (code != 0)
        {
            throw new InvalidOperationException($"import failed ({code}): {output}");
        }
    }

    public static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing. The test command installs it (apt-get install -y --no-install-recommends {package}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_xvfb.HasExited)
        {
            _xvfb.Kill();
            await _xvfb.WaitForExitAsync();
        }
        _xvfb.Dispose();
    }
}
