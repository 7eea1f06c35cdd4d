using System.Globalization;
using Ers.Testing.Processes;

namespace Ers.Testing.Silos;

/// <summary>
/// One real <c>Ers.Silo</c> process (from the build output, see <see cref="BuildOutput"/>), configured by environment
/// variables as a deployment would, with its own silo, gateway and HTTP ports on 127.0.0.1.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private readonly HostProcess _host;

    private SiloProcess(string name, HostProcess host, int siloPort, int gatewayPort, int httpPort)
    {
        Name = name;
        _host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public int Pid => _host.Pid;

    public bool HasExited => _host.HasExited;

    public string Output => _host.Output;

    /// <summary>Starts a silo with <paramref name="settings"/> (environment-variable form, see <see cref="Hosts.ErsSettings.ToEnvironment"/>) and waits until it joined.</summary>
    public static Task<SiloProcess> StartAsync(string name, IEnumerable<KeyValuePair<string, string>> settings) =>
        StartAsync(name, settings, new SiloLaunch());

    /// <summary>
    /// Starts a silo as <see cref="StartAsync(string, IEnumerable{KeyValuePair{string, string}})"/> does, where and
    /// through what <paramref name="launch"/> says. A <c>DOTNET_gcServer</c> in <paramref name="settings"/> is kept
    /// (the tests' default is workstation GC, to spare memory).
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string name, IEnumerable<KeyValuePair<string, string>> settings, SiloLaunch launch)
    {
        // A free port is free when picked, not when the silo binds it: another test on this machine can take it in
        // between. Such a start is tried again on new ports; any other failure is the silo's own.
        var given = settings.ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(name, given, launch);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<SiloProcess> StartOnFreePortsAsync(string name, IEnumerable<KeyValuePair<string, string>> settings, SiloLaunch launch)
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var environment = new Dictionary<string, string>(settings)
        {
            ["Ers__Cluster__SiloName"] = name,
            ["Ers__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Ers__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Urls"] = $"http://{launch.Address}:{httpPort}",
        };
        environment.TryAdd("DOTNET_gcServer", "0");
        var baseAddress = new Uri($"http://{launch.Address}:{httpPort}");
        var host = launch.Through.Count == 0
            ? HostProcess.StartDotnet(name, BuildOutput.Silo, baseAddress, environment)
            : HostProcess.Start(name, launch.Through[0], Path.GetDirectoryName(BuildOutput.Silo)!,
                [.. launch.Through.Skip(1), "dotnet", BuildOutput.Silo], environment.ToDictionary(e => e.Key, e => (string?)e.Value), baseAddress);
        var silo = new SiloProcess(name, host, siloPort, gatewayPort, httpPort);
        try
        {
            await host.WaitHealthyAsync("startup", JoinTimeout);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    public Task<bool> IsHealthyAsync(string probe) => _host.IsHealthyAsync(probe);

    /// <summary>Resident memory of the process (VmRSS from /proc), in bytes.</summary>
    public long ResidentBytes() => _host.ResidentBytes();

    /// <summary>A crash: SIGKILL, no goodbye to the cluster.</summary>
    public Task KillAsync() => _host.KillAsync();

    /// <summary>A rolling-update stop: SIGTERM, the silo leaves the cluster and hands its activations over.</summary>
    public Task StopAsync(TimeSpan timeout) => _host.StopAsync(timeout);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
