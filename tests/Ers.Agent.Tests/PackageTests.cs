using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;
using Ers.VirtualCard;
using Xunit.Abstractions;

namespace Ers.Agent.Tests;

/// <summary>
/// The Debian package as a workstation gets it (issue 15): scripts/package-agent.sh builds it, apt-get installs it,
/// the installed agent runs exactly as its user unit's ExecStart says, with the workstation's settings from
/// /etc/ers-agent overridden by the user's ~/.config/ers-agent (here $XDG_CONFIG_HOME), on a desktop session (Xvfb,
/// session D-Bus, dunst) against the real Ers.Web, and logs the virtual card in through the real pinentry dialog;
/// then apt-get remove --purge leaves nothing behind, and lintian finds nothing to say about the package. Needs root,
/// as CI and scripts/test.sh run.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class PackageTests(PcscdFixture pcscd, AgentHost ers, ITestOutputHelper log) : IClassFixture<AgentHost>
{
    private const string UnitPath = "/usr/lib/systemd/user/ers-agent.service";
    private const string AmeliaHart = "555294209105";

    [Fact]
    public async Task The_package_installs_runs_as_its_unit_says_logs_a_card_in_and_purges_clean()
    {
        _ = pcscd;
        Assert.True(Environment.UserName == "root", "Installing a package needs root: run the tests as root (CI and scripts/test.sh do).");
        var work = Directory.CreateTempSubdirectory("ers-agent-package-");
        var clock = Stopwatch.StartNew();
        try
        {
            // Generous: on the shared 2-core machine the publish alone has taken 40 s, and over 4 minutes while other
            // builds ran beside it (load 20).
            var (packaged, output) = await ProcessRunner.RunForResultAsync(RepoRoot.Combine("scripts", "package-agent.sh"),
                [Path.Combine(work.FullName, "out")], timeout: TimeSpan.FromMinutes(10));
            Assert.True(packaged == 0, output);
            var deb = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.EndsWith(".deb", StringComparison.Ordinal) && l.StartsWith('/'));
            Assert.Matches(@"/ers-agent_\d+\.\d+\.\d+_amd64\.deb$", deb);
            var built = clock.Elapsed;
            // lintian reads only the .deb: it checks it while the package is installed and run (it takes 15-30 s).
            var lint = ProcessRunner.RunForResultAsync("/usr/bin/lintian", ["--fail-on", "error,warning,info,pedantic", "--info", deb], timeout: TimeSpan.FromMinutes(3));
            await AptAsync("install", "-y", deb);
            var files = (await ProcessRunner.RunAsync("/usr/bin/dpkg-query", "-L", "ers-agent")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("/etc/ers-agent/agent.json", files);
            Assert.Contains("/etc/xdg/autostart/ers-agent.desktop", files);
            var installed = clock.Elapsed;

            await RunInstalledAgentUntilLoggedInAsync(work.FullName);
            var loggedIn = clock.Elapsed;

            await AptAsync("remove", "--purge", "-y", "ers-agent");
            var (code, status) = await ProcessRunner.RunForResultAsync("/usr/bin/dpkg-query", ["-W", "-f=${db:Status-Status}", "ers-agent"]);
            Assert.True(code != 0 || status.Trim() == "not-installed", status);
            // Every file the package had is gone, and so are its own folders (shared ones such as /usr/bin stay).
            Assert.DoesNotContain(files, f => !Directory.Exists(f) && Exists(f));
            Assert.DoesNotContain(files, f => f.Contains("ers-agent", StringComparison.Ordinal) && Exists(f));
            var (lintCode, lintOutput) = await lint;
            Assert.True(lintCode == 0, "lintian: " + lintOutput);
            log.WriteLine($"built {built.TotalSeconds:F1} s, installed {(installed - built).TotalSeconds:F1} s, logged in {(loggedIn - installed).TotalSeconds:F1} s, purged {(clock.Elapsed - loggedIn).TotalSeconds:F1} s");
        }
        finally
        {
            await ProcessRunner.RunForResultAsync("/usr/bin/apt-get", ["remove", "--purge", "-y", "ers-agent"], Apt);
            work.Delete(recursive: true);
        }
    }

    private async Task RunInstalledAgentUntilLoggedInAsync(string work)
    {
        // The unit's own command line, read from the installed unit, not restated here.
        var execStart = File.ReadLines(UnitPath).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/usr/lib/ers-agent/ers-agent", execStart[0]);

        // The user's settings: this Ers, its workstation certificate and CA, and pinentry-gtk2 (the test's X dialog).
        var config = Directory.CreateDirectory(Path.Combine(work, "config", "ers-agent")).FullName;
        var pfx = Path.Combine(work, "workstation.pfx");
        await File.WriteAllBytesAsync(pfx, ers.Workstation1.Export(X509ContentType.Pfx, ""));
        await File.WriteAllTextAsync(Path.Combine(config, "agent.json"), JsonSerializer.Serialize(new
        {
            Agent = new
            {
                Server = ers.AgentUrl.ToString(),
                WorkstationCertificate = pfx,
                WorkstationCertificatePassword = "",
                ServerCa = DevPki.CertificatePath(ers.Directory, DevPki.ServerCaName),
                Pinentry = "/usr/bin/pinentry-gtk-2",
                NoBrowser = true,
            },
        }));

        await using var desktop = await DesktopSession.StartAsync();
        await using var agent = HostProcess.Start("ers-agent", execStart[0], work, execStart[1..], new Dictionary<string, string?>
        {
            ["DISPLAY"] = desktop.X.Display,
            ["DBUS_SESSION_BUS_ADDRESS"] = desktop.BusAddress,
            ["XDG_CONFIG_HOME"] = Path.Combine(work, "config"),
        });
        agent.CloseInput(); // a unit's standard input is /dev/null
        await agent.WaitForLineAsync(l => l.Contains("Ers agent for " + ers.AgentUrl, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the agent started on this Ers");

        var issued = ers.IssueCard(AmeliaHart, "Amelia Hart");
        await using var link = new VpcdCardLink(new VirtualPivCard(new VirtualCardOptions
        {
            Certificate = issued.Certificate,
            PrivateKey = issued.Certificate.GetRSAPrivateKey()!,
            CardGuid = VirtualCardOptions.CardGuidFrom(Guid.Parse(issued.CardId)),
        }), 0);
        await link.InsertAsync();
        await desktop.X.WaitForWindowAsync("Ers smartcard");
        await desktop.X.RunAsync("/usr/bin/xdotool", "type", "--delay", "20", "123456");
        await desktop.X.RunAsync("/usr/bin/xdotool", "key", "Return");
        var active = await agent.WaitForLineAsync(l => l.Contains("Active: ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "Active");
        Assert.Contains("Active: Dr Amelia Hart - ", active, StringComparison.Ordinal);

        await agent.StopAsync(TimeSpan.FromSeconds(15));
        Assert.DoesNotContain("123456", agent.Output, StringComparison.Ordinal);
        log.WriteLine(agent.Output);
    }

    private static readonly IReadOnlyDictionary<string, string> Apt = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };

    private static async Task AptAsync(params string[] args)
    {
        var (code, output) = await ProcessRunner.RunForResultAsync("/usr/bin/apt-get", args, Apt, TimeSpan.FromSeconds(90));
        Assert.True(code == 0, output);
    }

    private static bool Exists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
