using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Ers.Testing.Processes;

/// <summary>
/// One real process (a host, <c>dotnet X.dll</c> from the build output configured by environment variables as a
/// deployment would, or a program a user runs): the tail of what it printed, lines to wait for, its standard input,
/// its health probes when it serves HTTP, and the ways it can end. Disposing kills it with its children.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<TaskCompletionSource> _waiters = [];
    private HttpClient _probe = Http;

    private HostProcess(string name, Uri? baseAddress, ProcessStartInfo startInfo)
    {
        Name = name;
        BaseAddress = baseAddress;
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Exited += (_, _) => Append(null);
        if (!_process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The HTTP address its health endpoints answer on, when it serves HTTP.</summary>
    public Uri? BaseAddress { get; }

    /// <summary>
    /// Where the probes are asked, when the host serves them on an operations port of their own
    /// (<c>Ers:Operations:Port</c>); else <see cref="BaseAddress"/>.
    /// </summary>
    public Uri? OperationsAddress { get; set; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the host <c>dotnet <paramref name="assembly"/></c> in its own folder with <paramref name="environment"/>.</summary>
    public static HostProcess StartDotnet(string name, string assembly, Uri baseAddress, IEnumerable<KeyValuePair<string, string>> environment) =>
        StartDotnet(name, assembly, Path.GetDirectoryName(assembly)!, [],
            environment.ToDictionary(e => e.Key, e => (string?)e.Value), baseAddress);

    /// <summary>Starts <c>dotnet DLL ARGS</c> in <paramref name="workingDirectory"/>, see <see cref="Start(string, string, string, IEnumerable{string}, IReadOnlyDictionary{string, string?}?, Uri?)"/>.</summary>
    public static HostProcess StartDotnet(string name, string dll, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, Uri? baseAddress = null) =>
        Start(name, "dotnet", workingDirectory, [dll, .. args], environment, baseAddress);

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="environment"/> added to this process's own (a null value
    /// removes a variable), without the .NET CLI's telemetry and banner.
    /// </summary>
    public static HostProcess Start(string name, string fileName, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, Uri? baseAddress = null)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return Start(name, baseAddress, info);
    }

    /// <summary>Starts a prepared command; its output is captured and its standard input is the test's.</summary>
    public static HostProcess Start(string name, Uri? baseAddress, ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        return new(name, baseAddress, startInfo);
    }

    /// <summary>Waits until the output contains a line for which <paramref name="match"/> is true; returns that line.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            TaskCompletionSource changed;
            lock (_output)
            {
                var line = _output.ToString().Split('\n').FirstOrDefault(match);
                if (line is not null)
                {
                    return line;
                }

                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing {what}. Output:\n{_output}");
                }

                changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(changed);
            }

            try
            {
                await changed.Task.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not print {what} within {timeout}. Output:\n{Output}");
            }
        }
    }

    /// <summary>Waits for the program to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not end within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Ends the program's standard input, as Ctrl+D at a terminal does.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Types a line at the program, as a user would.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until <c>/health/{probe}</c> answers 2xx, as the kubelet's probe would; fails with the host's output.</summary>
    public async Task WaitHealthyAsync(string probe, TimeSpan timeout)
    {
        try
        {
            await Eventually.TrueAsync(async () => _process.HasExited || await ProbeAsync(probe) is >= 200 and < 300,
                $"{Name} /health/{probe} to answer 200", timeout, TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last answer: {await ProbeAsync(probe)}.{Environment.NewLine}{Output}", e);
        }

        if (_process.HasExited)
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before /health/{probe}:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>
    /// Health probes over HTTPS trust <paramref name="root"/> (a development server CA, which the system store does not
    /// hold) and only it; for a host whose <see cref="BaseAddress"/> is <c>https</c>.
    /// </summary>
    public HostProcess TrustForProbes(X509Certificate2 root)
    {
        _probe = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { root },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        })
        { Timeout = Http.Timeout };
        return this;
    }

    public async Task<bool> IsHealthyAsync(string probe) => await ProbeAsync(probe) is >= 200 and < 300;

    /// <summary>The status code of <c>/health/{probe}</c>, 0 when nothing answered.</summary>
    public async Task<int> ProbeAsync(string probe)
    {
        try
        {
            var address = OperationsAddress ?? BaseAddress ?? throw new InvalidOperationException($"{Name} serves no HTTP: no health probe.");
            using var response = await _probe.GetAsync(new Uri(address, $"/health/{probe}"));
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Resident memory of the process (VmRSS from /proc), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("No VmRSS line.");
    }

    /// <summary>A crash: SIGKILL, no goodbye.</summary>
    public async Task KillAsync()
    {
        ProcessRunner.Signal(Pid, ProcessRunner.SigKill);
        await _process.WaitForExitAsync();
    }

    /// <summary>A rolling-update stop: SIGTERM, and the host's own orderly shutdown.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        ProcessRunner.Signal(Pid, ProcessRunner.SigTerm);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Keeps a line (null: the process ended) and wakes whoever waits for one.</summary>
    private void Append(string? line)
    {
        TaskCompletionSource[] waiters;
        lock (_output)
        {
            if (line is not null)
            {
                // The tail is enough to explain a failure.
                if (_output.Length > 200_000)
                {
                    _output.Remove(0, 100_000);
                }

                _output.Append(line).Append('\n');
            }

            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>
    /// <paramref name="failure"/> with the output of every host in <paramref name="hosts"/>, so a test of several
    /// processes that fails says what each of them printed.
    /// </summary>
    public static InvalidOperationException WithOutputs(Exception failure, IEnumerable<HostProcess> hosts) =>
        new($"{failure.Message}{Environment.NewLine}{string.Join(Environment.NewLine, hosts.Select(h => $"--- {h.Name} ---{Environment.NewLine}{h.Output}"))}", failure);

    /// <summary>Stops every host in <paramref name="hosts"/>, in order.</summary>
    public static async Task DisposeAllAsync(IEnumerable<HostProcess> hosts)
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        if (_probe != Http)
        {
            _probe.Dispose();
        }

        _process.Dispose();
    }
}
