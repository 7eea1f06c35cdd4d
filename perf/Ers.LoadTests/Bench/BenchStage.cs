using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Pki;
using Ers.Testing.Processes;

namespace Ers.LoadTests.Bench;

/// <summary>
/// What every scenario stands on: the work directory, the machine's description, the development PKI and the staff
/// directory, and the one way the harness starts Ers.Web (the settings of tests/Ers.Testing's <see cref="ErsSettings"/>).
/// </summary>
public sealed class BenchStage
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private BenchStage(BenchEnvironment environment, X509Certificate2 serverCa)
    {
        Environment = environment;
        ServerCa = serverCa;
    }

    public BenchEnvironment Environment { get; }

    public string Pki => Path.Combine(Environment.WorkDirectory, "pki");

    public string DirectoryFile => Path.Combine(Environment.WorkDirectory, "directory.json");

    public string MachineFile => Path.Combine(Environment.WorkDirectory, "machine.txt");

    /// <summary>The development server CA: the generator's and the health probes' only trust.</summary>
    public X509Certificate2 ServerCa { get; }

    /// <summary>The generator itself, <c>ers-load.dll</c> (also the measured silo, <c>ers-load silo</c>).</summary>
    public static string LoadGenerator => Path.Combine(AppContext.BaseDirectory, "ers-load.dll");

    public static async Task<BenchStage> PrepareAsync(BenchEnvironment environment)
    {
        Directory.CreateDirectory(environment.WorkDirectory);
        Directory.CreateDirectory(environment.OutputDirectory);
        Console.WriteLine("== machine");
        var (_, machine) = await ProcessRunner.RunForResultAsync("/bin/sh", ["-c", "echo \"nproc: $(nproc)\"; free -h; dotnet --info | head -12; uptime"]);
        Console.Write(machine);
        await File.WriteAllTextAsync(Path.Combine(environment.WorkDirectory, "machine.txt"), machine);

        Console.WriteLine($"== development PKI and directory ({environment.Users} users)");
        var pkiDirectory = Path.Combine(environment.WorkDirectory, "pki");
        if (Directory.Exists(pkiDirectory))
        {
            Directory.Delete(pkiDirectory, recursive: true);
        }

        var pki = TestPkiMaker.Create(pkiDirectory, TimeProvider.System);
        LoadDirectory.Write(Path.Combine(environment.WorkDirectory, "directory.json"), environment.Users);
        return new BenchStage(environment, X509CertificateLoader.LoadCertificate(pki.ServerCa.Certificate.RawData));
    }

    /// <summary>
    /// Ers.Web's settings in every scenario: pages on HTTPS (their cookies are Secure) with the development server
    /// certificate, the agents' mutual-TLS listener beside them, the development PKI trusted, warnings only in the log.
    /// </summary>
    public ErsSettings WebSettings(int pagesPort, int agentPort) =>
        new ErsSettings()
            .Set("Logging:LogLevel:Default", "Warning")
            .BrowserHttps(Pki, $"https://127.0.0.1:{pagesPort}")
            .AgentApi(Pki, $"https://127.0.0.1:{agentPort}")
            .Set("Ers:AgentApi:BrowserBaseUrl", $"https://127.0.0.1:{pagesPort}")
            .TrustPki(Pki)
            // The shipped appsettings.json turns the OpenID Connect provider on for the local run (keys in .ers/).
            .Set("Ers:Oidc:Enabled", "false")
            .Set("Ers:Web:Browser:DataProtectionKeysPath", Path.Combine(Environment.WorkDirectory, "keys"))
            .Set(Environment.WebSettings);

    /// <summary>
    /// Ers.Web as a client of a Redis cluster: the shared Data Protection key ring in Redis needs its encryption key
    /// (Ers:Web:Browser:DataProtectionKeyFile), one file of 32 random bytes that every web node would share.
    /// </summary>
    public ErsSettings ClusterWebSettings(int pagesPort, int agentPort)
    {
        var keyFile = Path.Combine(Environment.WorkDirectory, "data-protection.key");
        if (!File.Exists(keyFile))
        {
            File.WriteAllText(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }

        return WebSettings(pagesPort, agentPort).Set("Ers:Web:Browser:DataProtectionKeyFile", keyFile).Set("Ers:Web:CoHostSilo", "false");
    }

    /// <summary>Ers.Web as the local run hosts it: the silo co-hosted in the web process, in-memory grain state, a file audit trail.</summary>
    public ErsSettings CoHostedWebSettings(int pagesPort, int agentPort, string auditFile) =>
        WebSettings(pagesPort, agentPort)
            .Set("Ers:Cluster:SiloPort", FreePort.NextText())
            .Set("Ers:Cluster:GatewayPort", FreePort.NextText())
            .Set("Ers:Directory:SeedFile", DirectoryFile)
            .FileAudit(auditFile);

    /// <summary>Starts Ers.Web with <paramref name="settings"/> (from <see cref="WebSettings"/>) and waits for <c>/health/<paramref name="probe"/></c>.</summary>
    public async Task<BenchWeb> StartWebAsync(string name, ErsSettings settings, int pagesPort, int agentPort, string probe = "ready")
    {
        var pages = new Uri($"https://127.0.0.1:{pagesPort}");
        var host = HostProcess.StartDotnet(name, BuildOutput.Web, pages, settings.ToEnvironment()).TrustForProbes(ServerCa);
        var web = new BenchWeb(host, pages, new Uri($"https://127.0.0.1:{agentPort}"));
        try
        {
            await host.WaitHealthyAsync(probe, StartTimeout);
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }

        return web;
    }

    /// <summary>Starts a host and waits for its health probe; stops it again if it never gets there.</summary>
    public static async Task<HostProcess> StartHealthyAsync(HostProcess host, string probe)
    {
        try
        {
            await host.WaitHealthyAsync(probe, StartTimeout);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The PNG beside a journeys report (perf/Ers.LoadTests/plot.py); a missing matplotlib only skips it.</summary>
    public static async Task PlotAsync(string json)
    {
        var (exit, output) = await ProcessRunner.RunForResultAsync("/usr/bin/python3",
            [RepoRoot.Combine("perf", "Ers.LoadTests", "plot.py"), json], timeout: TimeSpan.FromMinutes(2));
        Console.WriteLine(exit == 0 ? output.Trim() : $"(plot skipped: {exit}: {output.Trim().Split('\n')[^1]})");
    }

    /// <summary>Copies the machine's description beside a report as LABEL.machine.txt and appends <paramref name="lines"/>.</summary>
    public async Task WriteMachineFileAsync(string label, params string[] lines)
    {
        var target = Path.Combine(Environment.OutputDirectory, label + ".machine.txt");
        File.Copy(MachineFile, target, overwrite: true);
        await File.AppendAllLinesAsync(target, lines);
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>The generator's arguments as one command line, for the report.</summary>
    public static string CommandLine(string command, IEnumerable<string> args) =>
        "ers-load " + command + " " + string.Join(' ', args.Select(a => a.Length == 0 || a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
