using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ers.Testing.Processes;

/// <summary>Runs commands and signals processes (Linux: the services the tests start are Debian packages).</summary>
public static class ProcessRunner
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

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

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
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
    public static Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return RunAsync(info);
    }

    /// <summary>Runs a prepared command (its own environment and directory) to completion; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{info.FileName} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
        }

        return await stdout;
    }

    /// <summary>
    /// Runs <paramref name="file"/> to completion (at most <paramref name="timeout"/>, 30 s by default) with
    /// <paramref name="environment"/> added, and answers its exit code and output (standard output, then standard
    /// error), for callers that judge the exit code themselves.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunForResultAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public static void RequireFile(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"'{path}' is missing: these tests run real services. Install it with `apt-get install -y {package}`.");
        }
    }

    /// <summary>The full path of <paramref name="command"/> on PATH, or a message naming the package to install.</summary>
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

    /// <summary>Writes a script (a test's own launcher or wrapper) that only its owner may read, change and run.</summary>
    public static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text);
        // The tests run on Linux only (pcscd, Xvfb, pinentry); the guard is for the platform analyzer.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
