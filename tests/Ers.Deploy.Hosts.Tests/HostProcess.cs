using System.Diagnostics;
using System.Text;
using Ers.Cluster.Tests.Infrastructure;

namespace Ers.Deploy.Hosts.Tests;

/// <summary>One real host process (<c>dotnet X.dll</c> from the build output) and the tail of what it printed.</summary>
internal sealed class HostProcess : IAsyncDisposable
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

    public Uri BaseAddress { get; }

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

    public static HostProcess Start(string name, Uri baseAddress, ProcessStartInfo startInfo) =>
        new(name, baseAddress, Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {name}."));

    /// <summary>Waits until <c>/health/{probe}</c> answers 200, as the kubelet's probe would; fails with the host's output.</summary>
    public async Task WaitHealthyAsync(string probe, TimeSpan timeout)
    {
        try
        {
            await Native.WaitForAsync(async () => _process.HasExited || await ProbeAsync(probe) == 200,
                timeout, $"{Name} /health/{probe} to answer 200", TimeSpan.FromMilliseconds(200));
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

    private async Task<int> ProbeAsync(string probe)
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
