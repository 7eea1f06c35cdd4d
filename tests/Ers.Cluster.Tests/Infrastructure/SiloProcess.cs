using System.Diagnostics;
using System.Globalization;

namespace Ers.Cluster.Tests.Infrastructure;

/// <summary>
/// One real <c>Ers.Silo</c> process (<c>dotnet Ers.Silo.dll</c> from the build output), configured by environment
/// variables as a deployment would, with its own silo, gateway and HTTP ports on 127.0.0.1.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private SiloProcess(string name, Process process, int siloPort, int gatewayPort, int httpPort)
    {
        Name = name;
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <summary>The silo's build output, next to this test assembly's (same configuration).</summary>
    public static string SiloAssemblyPath() => BuildOutput("Ers.Silo", "Ers.Silo.dll");

    /// <summary>
    /// A project's build output: tests/X/bin/&lt;Configuration&gt;/&lt;framework&gt;/ -> src/P/bin/&lt;Configuration&gt;/&lt;framework&gt;/.
    /// </summary>
    public static string BuildOutput(string project, string assembly)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", project, "bin", configuration, framework, assembly);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{project} is not built at '{path}': build tests/Ers.Cluster.Tests (it builds {project}).");
    }

    public static async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        // A free port is free when picked, not when the silo binds it: another test on this machine can take it in
        // between. Such a start is tried again on new ports; any other failure is the silo's own.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(name, settings);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<SiloProcess> StartOnFreePortsAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var siloPort = Native.FreePort();
        var gatewayPort = Native.FreePort();
        var httpPort = Native.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(SiloAssemblyPath())!,
        };
        info.ArgumentList.Add(SiloAssemblyPath());
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        info.Environment["Ers__Cluster__SiloName"] = name;
        info.Environment["Ers__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["Ers__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        info.Environment["DOTNET_gcServer"] = "0";

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start Ers.Silo.");
        var silo = new SiloProcess(name, process, siloPort, gatewayPort, httpPort);
        try
        {
            await Native.WaitForAsync(async () => silo.HasExited || await silo.IsHealthyAsync("startup"),
                TimeSpan.FromSeconds(60), $"silo {name} to join the cluster", TimeSpan.FromMilliseconds(200));
            if (silo.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"Silo {name} exited with {process.ExitCode}:{Environment.NewLine}{silo.Output}");
            }
        }
        catch (TimeoutException e)
        {
            await silo.DisposeAsync();
            throw new TimeoutException($"{e.Message}{Environment.NewLine}{silo.Output}", e);
        }

        return silo;
    }

    public async Task<bool> IsHealthyAsync(string probe)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{HttpPort}/health/{probe}");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
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

    /// <summary>A crash: SIGKILL, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        Native.Signal(Pid, Native.SigKill);
        await _process.WaitForExitAsync();
    }

    /// <summary>A rolling-update stop: SIGTERM, the silo leaves the cluster and hands its activations over.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        Native.Signal(Pid, Native.SigTerm);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: enough to explain a failure.
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
            await KillAsync();
        }

        _process.Dispose();
    }
}
