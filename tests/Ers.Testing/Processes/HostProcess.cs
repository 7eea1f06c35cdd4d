using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ers.Testing.Processes;

/// <summary>
/// One real host process (<c>dotnet X.dll</c> from the build output, configured by environment variables as a
/// deployment would), the tail of what it printed, its health probes, and the ways it can end.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(string name, Uri baseAddress, Process process)
    {
        Name = name;
        BaseAddress = baseAddress;
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The HTTP address its health endpoints answer on.</summary>
    public Uri BaseAddress { get; }

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

    /// <summary>Starts <c>dotnet <paramref name="assembly"/></c> in its own folder with <paramref name="environment"/>.</summary>
    public static HostProcess StartDotnet(string name, string assembly, Uri baseAddress, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(assembly)! };
        info.ArgumentList.Add(assembly);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Start(name, baseAddress, info);
    }

    /// <summary>Starts a prepared command; its output is captured.</summary>
    public static HostProcess Start(string name, Uri baseAddress, ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        return new(name, baseAddress, Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {name}."));
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

    public async Task<bool> IsHealthyAsync(string probe) => await ProbeAsync(probe) is >= 200 and < 300;

    /// <summary>The status code of <c>/health/{probe}</c>, 0 when nothing answered.</summary>
    public async Task<int> ProbeAsync(string probe)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(BaseAddress, $"/health/{probe}"));
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

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // The tail is enough to explain a failure.
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }

            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
