using System.Diagnostics;
using Ers.Testing.Processes;
using Xunit;

namespace Ers.Testing.Servers;

/// <summary>
/// The real smartcard service for the tests: starts <c>/usr/sbin/pcscd --foreground --info</c> unless one is already
/// running, waits until its socket exists and vpcd listens, and stops it at the end. There can be only one pcscd per
/// machine, so every test using it is in one non-parallel collection.
/// </summary>
public sealed class PcscdFixture : IAsyncLifetime
{
    public const string PcscdPath = "/usr/sbin/pcscd";
    private const string Socket = "/run/pcscd/pcscd.comm";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(5);
    private Process? _pcscd;

    /// <summary>True when the tests started pcscd (and so may restart it).</summary>
    public bool Owned => _pcscd is not null;

    public async Task InitializeAsync()
    {
        if (!File.Exists(PcscdPath))
        {
            throw new InvalidOperationException(
                $"{PcscdPath} is missing: pcscd and the vpcd virtual reader are not installed. The test command installs them " +
                "(apt-get install -y --no-install-recommends pcscd vsmartcard-vpcd opensc); run it, or install them as root.");
        }
        if (!Process.GetProcessesByName("pcscd").Any(IsAlive))
        {
            await StartAsync();
        }
        else
        {
            await WaitReadyAsync();
        }
    }

    /// <summary>Stops and starts pcscd, as an administrator or a package upgrade would.</summary>
    public async Task RestartAsync()
    {
        if (_pcscd is null)
        {
            throw new InvalidOperationException("pcscd was already running before the tests (not started by them), so the tests cannot restart it. Stop it and run the tests again.");
        }
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        // A vpcd port still held (a previous pcscd not quite gone) makes the new pcscd start without that reader.
        // Wait for the ports to be free, and retry once if it happens anyway.
        for (var attempt = 1; ; attempt++)
        {
            await WaitForFreePortsAsync();
            await StartOnceAsync();
            try
            {
                await WaitReadyAsync();
                return;
            }
            catch (TimeoutException) when (attempt < 2)
            {
                await StopAsync();
            }
        }
    }

    private static async Task WaitForFreePortsAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (PortInUse(35963) || PortInUse(35964))
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    private static bool PortInUse(int port)
    {
        var hex = $":{port:X4}";
        // LISTEN (0A) or ESTABLISHED (01) on the port blocks vpcd's bind; TIME_WAIT does not (it binds with reuse).
        return File.ReadLines("/proc/net/tcp").Skip(1).Any(line =>
            line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 3 } fields
            && fields[1].EndsWith(hex, StringComparison.Ordinal) && fields[3] is "0A" or "01");
    }

    private Task StartOnceAsync()
    {
        var start = new ProcessStartInfo(PcscdPath)
        {
            ArgumentList = { "--foreground", "--info" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _pcscd = Process.Start(start) ?? throw new InvalidOperationException("pcscd did not start.");
        // pcscd's own log, kept for diagnosing a failed run (it never sees a PIN: APDU contents are not logged at --info).
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(Path.GetTempPath(), "ers-tests-pcscd.log"), append: true) { AutoFlush = true });
        _pcscd.OutputDataReceived += (_, e) => log.WriteLine(e.Data);
        _pcscd.ErrorDataReceived += (_, e) => log.WriteLine(e.Data);
        _pcscd.BeginOutputReadLine();
        _pcscd.BeginErrorReadLine();
        return Task.CompletedTask;
    }

    private async Task WaitReadyAsync()
    {
        // Ready = the client socket exists and vpcd listens on both card ports. Never probe by connecting: to vpcd a
        // connection is a card insertion.
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        while (!(File.Exists(Socket) && IsListening(35963) && IsListening(35964)))
        {
            if (_pcscd is { HasExited: true })
            {
                throw new InvalidOperationException($"pcscd exited with code {_pcscd.ExitCode} while starting.");
            }
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException("pcscd did not become ready (no /run/pcscd/pcscd.comm or vpcd port not listening).");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>A pcscd that exited but was not reaped yet (a zombie) does not count.</summary>
    private static bool IsAlive(Process process)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Id}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static bool IsListening(int port)
    {
        var hex = $":{port:X4} ";
        return File.ReadLines("/proc/net/tcp").Skip(1).Any(line =>
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 3 && (fields[1] + " ").EndsWith(hex, StringComparison.Ordinal) && fields[3] == "0A";
        });
    }

    private async Task StopAsync()
    {
        if (_pcscd is not { } process)
        {
            return;
        }
        _pcscd = null;
        if (!process.HasExited)
        {
            // SIGTERM lets pcscd remove its socket and pid file; SIGKILL would leave them behind.
            ProcessRunner.Signal(process.Id, ProcessRunner.SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
    }

    public Task DisposeAsync() => StopAsync();
}
