using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Testing.Processes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests.Quickstart;

/// <summary>
/// The README's quickstart as a user runs it, on the configuration it ships: <c>ers pki dev</c> with the arguments
/// of <c>scripts/start-local.sh</c> into the repository's <c>.ers/pki</c>, the Ers.Web program from its project
/// directory with <c>src/Ers.Web/appsettings.json</c> as shipped, the agent and the virtual card programs with the
/// README's arguments, and Chromium trusting the development server CA through the README's <c>certutil</c> lines
/// (no certificate errors ignored). A card login reaches the business-function form, the form is posted, the
/// homepage renders, pulling the card ends the session on the page, and nothing answers 5xx.
/// </summary>
[Collection(QuickstartCollection.Name)]
public sealed partial class QuickstartTests
{
    private const string RahulMehta = "555294209106";   // role 1: Riverside Surgery, two referrer business functions

    private static string Repo => RepoRoot.Path;

    [Fact]
    public async Task The_readme_quickstart_logs_in_with_a_card_posts_the_business_function_form_and_never_answers_5xx()
    {
        using var scratch = new TemporaryDirectory();

        // scripts/start-local.sh, step 2: the same command and arguments, run from the repository root.
        await using (var pki = HostProcess.StartDotnet("ers pki dev", BuildOutput.Of("src/Ers.Tools", "ers.dll"), Repo,
            ["pki", "dev", "--out", ".ers/pki", "--directory", "samples/directory.json"]))
        {
            Assert.True(await pki.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, pki.Output);
        }

        var browserPort = FreePort.Next();
        var agentPort = FreePort.Next();
        var shipped = Shipped();
        // scripts/start-local.sh, step 3: 'dotnet run --no-build --project src/Ers.Web' runs Ers.Web.dll from the
        // project directory (the content root, against which appsettings.json's paths into the repository's .ers/ folder resolve). Only
        // these are overridden: the fixed ports 5080, 5443, 11111 and 30000 would collide with a quickstart the
        // developer has running (or another checkout's test run on the machine), so the shipped addresses are kept
        // with only their ports changed; and the audit trail goes to a file of this test's own instead of being
        // appended to the developer's .ers/audit.jsonl.
        var web = HostProcess.StartDotnet("Ers.Web", BuildOutput.Of("src/Ers.Web", "Ers.Web.dll"), Path.Combine(Repo, "src", "Ers.Web"), [],
            new Dictionary<string, string?>
            {
                ["Urls"] = WithPort(shipped.Urls, browserPort),
                ["Ers__AgentApi__HttpsUrl"] = WithPort(shipped.AgentApiUrl, agentPort),
                ["Ers__AgentApi__BrowserBaseUrl"] = WithPort(shipped.BrowserBaseUrl, browserPort),
                ["Ers__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Ers__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Ers__Audit__FilePath"] = Path.Combine(scratch.Path, "audit.jsonl"),
                ["ASPNETCORE_ENVIRONMENT"] = null,
                ["DOTNET_ENVIRONMENT"] = null,
            });
        await using var _web = web;
        // As many users as the sample directory holds (it grows: the RA users came later).
        using var directory = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo, "samples", "directory.json")));
        var imported = $"Imported {directory.RootElement.GetProperty("users").GetArrayLength().ToString(CultureInfo.InvariantCulture)} users";
        await web.WaitForLineAsync(l => l.Contains(imported, StringComparison.Ordinal), TimeSpan.FromMinutes(2), "the directory import");
        await WaitReadyAsync(new Uri($"https://127.0.0.1:{agentPort}/health/ready"), web);

        var pcscd = new PcscdFixture();
        await pcscd.InitializeAsync();
        try
        {
            await LogInPostTheFormAndPullTheCardAsync(scratch, web, browserPort, agentPort);
        }
        finally
        {
            await pcscd.DisposeAsync();
        }
    }

    private static async Task LogInPostTheFormAndPullTheCardAsync(TemporaryDirectory scratch, HostProcess web, int browserPort, int agentPort)
    {

        // The README's agent command; --non-interactive because no terminal types here. DISPLAY and WAYLAND_DISPLAY
        // are removed: on a headless machine the agent prints the login link instead of trying xdg-open. The pages
        // are on a free port, not the shipped 5080, so the agent is told their origin (it shows no link elsewhere).
        var agent = HostProcess.StartDotnet("Ers.Agent", BuildOutput.Of("src/Ers.Agent", "Ers.Agent.dll"), Repo,
            ["--server", $"https://127.0.0.1:{agentPort}", "--workstation-cert", ".ers/pki/workstations/WS-DEV-0001.pfx",
             "--server-ca", ".ers/pki/server-ca.crt.pem", "--non-interactive", "--browser-origin", $"https://127.0.0.1:{browserPort}"],
            new Dictionary<string, string?> { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null });
        await using var _agent = agent;
        await agent.WaitForLineAsync(l => l.Contains("Ers agent for", StringComparison.Ordinal), TimeSpan.FromMinutes(1), "its start");
        await agent.WriteLineAsync("123456");
        await agent.WriteLineAsync("1");

        // The README's virtual card command; Enter removes the card.
        var card = HostProcess.StartDotnet("Ers.VirtualCard", BuildOutput.Of("tests/Ers.VirtualCard", "Ers.VirtualCard.dll"), Repo,
            ["--card", $".ers/pki/cards/{RahulMehta}-rsa.json", "--pin", "123456"]);
        await using var _card = card;
        var linkLine = await agent.WaitForLineAsync(l => l.Contains("Open this address to log in: ", StringComparison.Ordinal),
            TimeSpan.FromMinutes(1), "the login link");
        var loginUrl = LoginUrl().Match(linkLine).Value;
        Assert.Contains($"127.0.0.1:{browserPort}/login?ticket=", loginUrl, StringComparison.Ordinal);
        Assert.Contains("Active: Dr Rahul Mehta - Clinical Practitioner Access Role - Riverside Surgery", agent.Output, StringComparison.Ordinal);

        var home = Path.Combine(scratch.Path, "home");
        await TrustServerCaLikeTheReadmeAsync(home);
        using var playwright = await Playwright.CreateAsync();
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        environment["HOME"] = home;
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Env = environment,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        // No IgnoreHTTPSErrors: the server certificate must be trusted through the imported server CA.
        var context = await browser.NewContextAsync();
        await context.RouteAsync("https://assets.nhs.uk/**", route => route.AbortAsync());
        var answers = new ConcurrentQueue<(int Status, string Method, string Url)>();
        context.Response += (_, response) => answers.Enqueue((response.Status, response.Request.Method, response.Url));
        var page = await context.NewPageAsync();

        await page.GotoAsync(loginUrl);
        AssertNoServerError(answers, web);
        await Expect(page).ToHaveURLAsync(new Regex("/business-function$"));
        await page.GetByLabel("Business function").SelectOptionAsync(new SelectOptionValue { Label = "Referring Clinician Admin" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/referrer$"));
        AssertNoServerError(answers, web);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Rahul Mehta");
        await Expect(page.GetByTestId("business-function")).ToHaveTextAsync("Referring Clinician Admin");
        Assert.Contains(answers, a => a.Method == "POST" && a.Url.EndsWith("/business-function", StringComparison.Ordinal));

        await card.WriteLineAsync("");
        await Expect(page.GetByText("Your session has ended")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = EndToEndStack.ScreenshotPath("quickstart-session-ended"), FullPage = true });

        AssertNoServerError(answers, web);
        Assert.StartsWith($"https://127.0.0.1:{browserPort}/login?ticket=", loginUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", agent.Output, StringComparison.Ordinal);
        var audit = await File.ReadAllTextAsync(Path.Combine(scratch.Path, "audit.jsonl"));
        Assert.Contains("card-removed", audit, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertNoServerError(IEnumerable<(int Status, string Method, string Url)> answers, HostProcess web)
    {
        var errors = answers.Where(a => a.Status >= 500).Select(a => $"{a.Status} {a.Method} {a.Url}").ToList();
        Assert.True(errors.Count == 0, $"Ers answered 5xx: {string.Join("; ", errors)}\nErs.Web output:\n{web.Output}");
        Assert.DoesNotContain("fail:", web.Output, StringComparison.Ordinal);
    }

    /// <summary>The README's two certutil lines (Quickstart, "Trusting the development server CA"), with HOME here.</summary>
    private static async Task TrustServerCaLikeTheReadmeAsync(string home)
    {
        if (!File.Exists("/usr/bin/certutil"))
        {
            throw new InvalidOperationException("certutil is missing: apt-get install -y --no-install-recommends libnss3-tools (scripts/test.sh installs it).");
        }

        Directory.CreateDirectory(home);
        await using var certutil = HostProcess.Start("certutil", "/bin/bash", Repo,
        [
            "-euc",
            """
            mkdir -p ~/.pki/nssdb && [ -f ~/.pki/nssdb/cert9.db ] || certutil -d sql:$HOME/.pki/nssdb -N --empty-password
            certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Ers development server CA" -i .ers/pki/server-ca.crt.pem
            """,
        ], new Dictionary<string, string?> { ["HOME"] = home });
        Assert.True(await certutil.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, certutil.Output);
    }

    private static async Task WaitReadyAsync(Uri ready, HostProcess web)
    {
        // The client trusts the development server CA only, as the agent does.
        var serverCa = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Repo, ".ers", "pki", "server-ca.crt.pem"));
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            CustomTrustStore = { serverCa },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    using var response = await client.GetAsync(ready);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !web.HasExited)
                {
                    return false; // Not listening yet.
                }
            }, "Ers.Web to be ready", TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Output:\n{web.Output}", e);
        }
    }

    /// <summary>The listen addresses and login-link base of <c>src/Ers.Web/appsettings.json</c> as shipped.</summary>
    private static (string Urls, string AgentApiUrl, string BrowserBaseUrl) Shipped()
    {
        // The shipped file carries comments (JSON with comments, as ASP.NET Core's configuration reads it).
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo, "src", "Ers.Web", "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var api = settings.RootElement.GetProperty("Ers").GetProperty("AgentApi");
        return (settings.RootElement.GetProperty("Urls").GetString()!, api.GetProperty("HttpsUrl").GetString()!,
            api.GetProperty("BrowserBaseUrl").GetString()!);
    }

    /// <summary>The shipped address with only its port changed (scheme and host stay as shipped).</summary>
    private static string WithPort(string url, int port) =>
        new UriBuilder(url) { Port = port }.Uri.GetLeftPart(UriPartial.Authority);

    [GeneratedRegex(@"https?://\S+/login\?ticket=\S+")]
    private static partial Regex LoginUrl();

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ers-quickstart-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a stopping process: the system cleans its temp folder.
            }
        }
    }
}
