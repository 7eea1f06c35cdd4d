using System.Globalization;
using Ers.Testing.Processes;
using Microsoft.Playwright;

namespace Ers.Testing.Desktop;

/// <summary>
/// Debian's Chromium as a desktop agent's browser: <see cref="Command"/> is a launcher the agent runs with the login
/// link (its <c>BrowserCommand</c>, as it runs <c>xdg-open</c> on a workstation). It starts a headed Chromium on the
/// display the agent runs on, with a profile of its own that trusts the server CA through its NSS database (the
/// README's <c>certutil</c> lines: no certificate error is ignored), and with the DevTools protocol on a loopback port,
/// so Playwright attaches to the very browser the agent opened (<see cref="ConnectAsync"/>). A second link goes to
/// the running browser as a new tab, as on a desktop. The browser is stopped, by its process id, at the end.
/// </summary>
public sealed class DesktopChromium : IAsyncDisposable
{
    private readonly DirectoryInfo _folder;
    private readonly int _port;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private DesktopChromium(DirectoryInfo folder, int port)
    {
        _folder = folder;
        _port = port;
    }

    /// <summary>The launcher: one argument, the URL to open.</summary>
    public string Command => Path.Combine(_folder.FullName, "chromium-on-desktop");

    private string PidFile => Path.Combine(_folder.FullName, "chromium.pid");

    /// <summary>Prepares the launcher and its profile; nothing runs until the agent opens a link.</summary>
    public static async Task<DesktopChromium> CreateAsync(string serverCaPem)
    {
        ProcessRunner.RequireFile(Browsers.ChromiumBrowser.ExecutablePath, "chromium");
        ProcessRunner.RequireFile("/usr/bin/certutil", "libnss3-tools");
        var chromium = new DesktopChromium(Directory.CreateTempSubdirectory("ers-desktop-chromium-"), FreePort.Next());
        var home = Directory.CreateDirectory(Path.Combine(chromium._folder.FullName, "home")).FullName;
        var (code, output) = await ProcessRunner.RunForResultAsync("/bin/bash", ["-euc",
            $"""
            mkdir -p ~/.pki/nssdb && [ -f ~/.pki/nssdb/cert9.db ] || certutil -d sql:$HOME/.pki/nssdb -N --empty-password
            certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Ers development server CA" -i '{serverCaPem}'
            """], new Dictionary<string, string> { ["HOME"] = home });
        if (code != 0)
        {
            throw new InvalidOperationException($"certutil failed ({code}): {output}");
        }

        // The first launch records its process id: later ones hand their link to it and exit.
        ProcessRunner.WriteScript(chromium.Command, string.Create(CultureInfo.InvariantCulture, $"""
            #!/bin/sh
            [ -f '{chromium.PidFile}' ] || echo $$ > '{chromium.PidFile}'
            export HOME='{home}'
            exec {Browsers.ChromiumBrowser.ExecutablePath} --no-sandbox --disable-dev-shm-usage --no-first-run --no-default-browser-check \
              --disable-sync --disable-background-networking --disable-component-update --password-store=basic --disable-gpu \
              --window-position=0,0 --window-size=1024,768 --user-data-dir='{Path.Combine(chromium._folder.FullName, "profile")}' \
              --remote-debugging-address=127.0.0.1 --remote-debugging-port={chromium._port} "$@"

            """));
        return chromium;
    }

    /// <summary>Attaches Playwright to the browser the agent started (waits for it to listen).</summary>
    public async Task<IBrowser> ConnectAsync(TimeSpan timeout)
    {
        if (_browser is not null)
        {
            return _browser;
        }

        _playwright ??= await Playwright.CreateAsync();
        await Eventually.TrueAsync(() => ProcessRunner.IsListening(_port), $"the agent's Chromium to listen on {_port}", timeout);
        _browser = await _playwright.Chromium.ConnectOverCDPAsync($"http://127.0.0.1:{_port}");
        return _browser;
    }

    /// <summary>Waits for a tab of the agent's browser whose address matches <paramref name="url"/>.</summary>
    public async Task<IPage> WaitForPageAsync(Func<string, bool> url, string what, TimeSpan timeout)
    {
        var browser = await ConnectAsync(timeout);
        return await Eventually.ValueAsync(
            () => Task.FromResult(browser.Contexts.SelectMany(c => c.Pages).FirstOrDefault(p => url(p.Url))), what, timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            // Only the connection: the browser is the agent's, stopped below like any process left on a desktop.
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (File.Exists(PidFile) && int.TryParse(await File.ReadAllTextAsync(PidFile), CultureInfo.InvariantCulture, out var pid))
        {
            // SIGTERM lets it close its renderers; one that does not stop in time is killed.
            ProcessRunner.Signal(pid, ProcessRunner.SigTerm);
            if (!await Eventually.TryAsync(() => Gone(pid), TimeSpan.FromSeconds(15)))
            {
                ProcessRunner.Signal(pid, ProcessRunner.SigKill);
            }
        }

        // Its helpers (renderers, the GPU and network processes) carry the profile on their command line and may
        // still write to it for a moment after the browser itself is gone.
        var profile = "--user-data-dir=" + Path.Combine(_folder.FullName, "profile");
        await Eventually.TryAsync(() => !Directory.EnumerateDirectories("/proc").Any(p => CommandLineHas(p, profile)), TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(() =>
        {
            try
            {
                _folder.Delete(recursive: true);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }, $"{_folder.FullName} to be removed", TimeSpan.FromSeconds(15));
    }

    private static bool CommandLineHas(string process, string argument)
    {
        try
        {
            return File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0').Contains(argument);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Ended: no such process, or a zombie (its parent, the agent, may have stopped before reaping it).</summary>
    private static bool Gone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
