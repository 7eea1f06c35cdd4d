using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ers.Cluster.Tests.Infrastructure;

/// <summary>Small process and network helpers for the fixtures (Linux: the services are Debian packages).</summary>
internal static class Native
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0 && Marshal.GetLastPInvokeError() != 3 /* ESRCH: already gone */)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>A TCP port free on 127.0.0.1 right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Runs a command to completion; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
        }

        return await stdout;
    }

    /// <summary>Waits for a condition, looking again every <paramref name="every"/>; throws naming what never happened.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? every = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }
    }

    public static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? every = null) =>
        WaitForAsync(() => Task.FromResult(condition()), timeout, what, every);

    public static void RequireFile(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"'{path}' is missing: these tests run real services. Install it with `apt-get install -y {package}`.");
        }
    }

    public static string Which(string command, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{command}' is not on PATH: these tests run a real {package}. Install it with `apt-get install -y {package}`.");
    }
}
