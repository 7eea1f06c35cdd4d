using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Agent.PcSc;
using Ers.Agent.Ui;
using Ers.Tools.Pki;
using Ers.VirtualCard;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Ers.EndToEnd;

/// <summary>
/// Everything between a card and a clinician's homepage, for real: a development PKI made by the <c>ers pki dev</c>
/// code in a temporary directory, Ers.Web (co-hosted silo, sample directory) on Kestrel with TLS on free loopback
/// ports, the agent's journey in process (<see cref="AgentJourney"/> on pcscd, <see cref="HttpAgentApi"/> with the
/// workstation certificate, <see cref="LineAgentUi"/> fed through a pipe), and Debian's Chromium driven by Playwright,
/// which the agent's "open the browser" step hands the login URL to. pcscd itself is started by the caller.
/// </summary>
public sealed class EndToEndStack : IAsyncDisposable
{
    public const string Pin = "123456";
    public const string WorkstationId = "WS-E2E-0001";

    private readonly string _directory = Directory.CreateTempSubdirectory("ers-e2e-").FullName;
    private readonly Pipe _answers = new();
    private readonly Stream _answerStream;
    private readonly CancellationTokenSource _stopAgent = new();
    private WebApplicationFactory<Program>? _factory;
    private HttpAgentApi? _httpApi;
    private StreamReader? _agentInput;
    private LineAgentUi? _lineUi;
    private Task _agent = Task.CompletedTask;
    private IPlaywright? _playwright;

    private EndToEndStack()
    {
        _answerStream = _answers.Writer.AsStream();
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public Uri BrowserUrl { get; private set; } = null!;

    public Uri AgentUrl { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Times of the real agent API calls, per call.</summary>
    public TimedAgentApi Api { get; private set; } = null!;

    /// <summary>The agent's UI (LineAgentUi), timing its prompts so the user's part can be left out.</summary>
    public TimedAgentUi Ui { get; private set; } = null!;

    /// <summary>The login URLs the agent opened, in order, with the time it opened them.</summary>
    public Channel<OpenedUrl> OpenedUrls { get; } = Channel.CreateUnbounded<OpenedUrl>();

    /// <summary>The insertions the agent's PC/SC watcher reported, with the time it handled them.</summary>
    public Channel<long> InsertionsSeen { get; } = Channel.CreateUnbounded<long>();

    /// <summary>Everything the agent printed (never the PIN: LineAgentUi does not echo it).</summary>
    public StringBuilder AgentOutput { get; } = new();

    public static async Task<EndToEndStack> StartAsync(Action<string>? log = null)
    {
        var stack = new EndToEndStack();
        try
        {
            await stack.InitializeAsync(log);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(Action<string>? log)
    {
        var samples = Path.Combine(RepoRoot, "samples", "directory.json");
        var pki = Path.Combine(_directory, "pki");
        foreach (var line in DevSetup.Ensure(pki, samples, WorkstationId, TimeProvider.System))
        {
            log?.Invoke("pki: " + line);
        }

        // Both ports are chosen up front: the login URL the agents' API hands out must name the browser endpoint.
        var browserPort = FreePort();
        var agentPort = FreePort();
        BrowserUrl = new Uri($"https://127.0.0.1:{browserPort}");
        AgentUrl = new Uri($"https://127.0.0.1:{agentPort}");
        var settings = new Dictionary<string, string>
        {
            ["Urls"] = BrowserUrl.ToString().TrimEnd('/'),
            // The browser endpoint's TLS certificate: the PKI's server certificate, as for the agents' listener.
            ["Kestrel:Certificates:Default:Path"] = DevPki.CertificatePath(pki, DevPki.ServerName),
            ["Kestrel:Certificates:Default:KeyPath"] = DevPki.KeyPath(pki, DevPki.ServerName),
            ["Ers:AgentApi:HttpsUrl"] = AgentUrl.ToString().TrimEnd('/'),
            ["Ers:AgentApi:ServerCertificatePath"] = DevPki.CertificatePath(pki, DevPki.ServerName),
            ["Ers:AgentApi:ServerCertificateKeyPath"] = DevPki.KeyPath(pki, DevPki.ServerName),
            ["Ers:AgentApi:BrowserBaseUrl"] = BrowserUrl.ToString().TrimEnd('/'),
            ["Ers:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ers:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ers:Cluster:ClusterId"] = "ers-e2e-" + Guid.NewGuid().ToString("N")[..8],
            ["Ers:Directory:SeedFile"] = samples,
            ["Ers:Audit:FilePath"] = Path.Combine(_directory, "audit.jsonl"),
            ["Ers:Sessions:HeartbeatTimeout"] = "01:00:00",
            ["Ers:Sessions:MaxSessionsPerUser"] = "50",
            ["Ers:Web:Browser:DataProtectionKeysPath"] = Path.Combine(_directory, "keys"),
            ["Ers:CardAuthentication:TrustedRoots:0"] = DevPki.CertificatePath(pki, DevPki.SmartcardRootName),
            ["Ers:CardAuthentication:IntermediateCertificates:0"] = DevPki.CertificatePath(pki, DevPki.SmartcardIssuingName),
            ["Ers:CardAuthentication:CrlSources:0"] = DevPki.CrlPath(pki, DevPki.SmartcardIssuingName),
            ["Ers:Workstations:TrustedRoots:0"] = DevPki.CertificatePath(pki, DevPki.WorkstationCaName),
            ["Ers:Workstations:CrlSources:0"] = DevPki.CrlPath(pki, DevPki.WorkstationCaName),
            ["Ers:Tokens:KeyFile"] = Path.Combine(pki, DevPki.TokenKeyFile),
        };
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            // Explicit, so the benchmark (not a test run) finds Ers.Web's appsettings and static files too.
            web.UseContentRoot(Path.Combine(RepoRoot, "src", "Ers.Web"));
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        _factory.UseKestrel();
        _factory.StartServer();
        await Services.GetRequiredService<SessionEndSubscription>().Subscribed.WaitAsync(TimeSpan.FromSeconds(60));
        await WaitForDirectoryAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });

        // The agent, wired as Ers.Agent's host wires it in --non-interactive mode, with the browser step redirected.
        var workstation = X509CertificateLoader.LoadPkcs12FromFile(
            DevPki.PfxPath(Path.Combine(pki, "workstations"), WorkstationId), string.Empty);
        var serverTrust = new X509Certificate2Collection(
            X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(pki, DevPki.ServerCaName)));
        _httpApi = new HttpAgentApi(AgentUrl, workstation, serverTrust);
        Api = new TimedAgentApi(_httpApi);
        _agentInput = new StreamReader(_answers.Reader.AsStream());
        var output = new StringWriter(AgentOutput);
        _lineUi = new LineAgentUi(_agentInput, TextWriter.Synchronized(output));
        Ui = new TimedAgentUi(_lineUi);
        var journey = new AgentJourney(new PcScCardReaderService(TimeProvider.System), Api, Ui,
            new PlaywrightBrowserLauncher(OpenedUrls.Writer), TimeSpan.FromSeconds(30), TimeProvider.System);
        journey.ReaderEventHandled += e =>
        {
            if (e.Kind == ReaderEventKind.CardInserted)
            {
                InsertionsSeen.Writer.TryWrite(Stopwatch.GetTimestamp());
            }
        };
        _agent = Task.Run(() => journey.RunAsync(_stopAgent.Token));
    }

    /// <summary>The answers the user would type at the agent's prompts, in order (a passcode, then a role number).</summary>
    public async Task AnswerAsync(params string[] lines)
    {
        foreach (var line in lines)
        {
            await _answerStream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }

        await _answerStream.FlushAsync();
    }

    /// <summary>
    /// The whole journey: the user's answers are ready (typing is not what is measured), the card goes into vpcd
    /// reader 0, the agent reads it, logs in and opens the login URL, and Chromium renders the homepage header.
    /// The card stays in; the caller removes it (<see cref="CardLogin.Link"/>).
    /// </summary>
    public async Task<CardLogin> InsertAndLogInAsync(string userId, IPage page, params string[] answers)
    {
        var card = CardFor(userId);
        Api.Calls.Clear();
        Ui.Prompts.Clear();
        while (InsertionsSeen.Reader.TryRead(out _))
        {
        }

        await AnswerAsync(answers);
        var link = new VpcdCardLink(card, reader: 0);
        var inserted = Stopwatch.GetTimestamp();
        await link.InsertAsync();
        var opened = await NextOpenedUrlAsync(TimeSpan.FromSeconds(30));
        await page.GotoAsync(opened.Url.ToString());
        await Assertions.Expect(page.GetByTestId("user-name")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var rendered = Stopwatch.GetTimestamp();

        var seen = InsertionsSeen.Reader.TryRead(out var at) ? at : opened.Timestamp;
        var serverCalls = Api.Calls.Where(c => c.Name is "inserted" or "authenticate" or "role" or "ticket" && c.Started >= inserted).ToList();
        var server = serverCalls.Sum(c => c.Elapsed.TotalMilliseconds);
        var prompts = Ui.Prompts.Where(p => p.Started >= inserted).Sum(p => p.Elapsed.TotalMilliseconds);
        var journey = Stopwatch.GetElapsedTime(seen, opened.Timestamp).TotalMilliseconds;
        var timing = new LoginTiming(
            Total: Stopwatch.GetElapsedTime(inserted, rendered).TotalMilliseconds - prompts,
            PcscEvent: Stopwatch.GetElapsedTime(inserted, seen).TotalMilliseconds,
            CardApdus: journey - server - prompts,
            ServerCalls: server,
            BrowserToHomepage: Stopwatch.GetElapsedTime(opened.Timestamp, rendered).TotalMilliseconds,
            UserPrompts: prompts,
            ServerCallsByName: serverCalls.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.Sum(c => c.Elapsed.TotalMilliseconds)));
        return new CardLogin(this, link, opened.Url, timing);
    }

    /// <summary>
    /// Pulls the card and waits for the agent to report the removal: vpcd is polled, and a card pulled and pushed
    /// back within one poll could look like it never left.
    /// </summary>
    public async Task RemoveCardAsync(VpcdCardLink link)
    {
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnShown(AgentNotice notice)
        {
            if (notice.Message.StartsWith("Card removed", StringComparison.Ordinal))
            {
                handled.TrySetResult();
            }
        }

        Ui.Shown += OnShown;
        try
        {
            await link.RemoveAsync();
            await handled.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The agent did not report the card removed within 15 s. Agent output:\n{AgentOutputText}");
        }
        finally
        {
            Ui.Shown -= OnShown;
        }
    }

    /// <summary>The virtual card of a sample user, with the key and certificate <c>ers pki dev</c> issued for them.</summary>
    /// <param name="cardId">
    /// A card id other than the issued one: the same user's certificate on another card, so a test can block or break
    /// it without changing the state Ers keeps for the user's own card, which other tests log in with.
    /// </param>
    public VirtualPivCard CardFor(string userId, Guid? cardId = null)
    {
        var file = Path.Combine(_directory, "pki", "cards", $"{userId}-rsa.json");
        var issued = JsonSerializer.Deserialize<IssuedCard>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"Empty card file {file}.");
        var certificate = X509Certificate2.CreateFromPemFile(issued.CertificatePath, issued.KeyPath);
        return new VirtualPivCard(new VirtualCardOptions
        {
            Certificate = certificate,
            PrivateKey = certificate.GetRSAPrivateKey()!,
            Pin = Pin,
            CardGuid = VirtualCardOptions.CardGuidFrom(cardId ?? Guid.Parse(issued.CardId)),
        });
    }

    /// <summary>A fresh browser context (its own cookies) and page; the NHS font host is not reachable here.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
        await context.RouteAsync("https://assets.nhs.uk/**", route => route.AbortAsync());
        return await context.NewPageAsync();
    }

    /// <summary>Waits for the agent to open the next login URL.</summary>
    public async Task<OpenedUrl> NextOpenedUrlAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await OpenedUrls.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The agent opened no login URL within {timeout}. Agent output:\n{AgentOutputText}");
        }
    }

    public string AgentOutputText
    {
        get
        {
            lock (AgentOutput)
            {
                return AgentOutput.ToString();
            }
        }
    }

    /// <summary>Reads the session id out of a login URL the agents' API issued (the token is authenticated first).</summary>
    public string SessionIdOf(Uri loginUrl)
    {
        var token = Uri.UnescapeDataString(loginUrl.Query.Split("ticket=", 2)[1]);
        var tokens = Services.GetRequiredService<Ers.Web.Security.BrowserTicketTokens>();
        return tokens.TryUnprotect(token, out var claims, out _)
            ? claims.SessionId
            : throw new InvalidOperationException("The login URL's ticket is not one Ers issued (or it expired).");
    }

    public static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(RepoRoot, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"e2e-{name}.png");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopAgent.CancelAsync();
        try
        {
            await _agent;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        await _answers.Writer.CompleteAsync();
        _lineUi?.Dispose();
        _agentInput?.Dispose();
        _httpApi?.Dispose();
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _stopAgent.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping host: the system cleans its temp folder.
        }
    }

    private async Task WaitForDirectoryAsync()
    {
        // The directory is seeded by a hosted service once the silo is up: wait for it rather than sleep.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await Grains.GetGrain<Ers.Staff.IUserGrain>("555294209106").GetProfileAsync() is null)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ers.sln not found above the output folder.");
    }
}

/// <summary>
/// A card in reader 0 whose user is logged in, the login URL the agent opened, and how long it all took. Disposing
/// pulls the card if it is still in.
/// </summary>
public sealed record CardLogin(EndToEndStack Stack, VpcdCardLink Link, Uri LoginUrl, LoginTiming Timing) : IAsyncDisposable
{
    /// <summary>Pulls the card and waits until the agent has handled the removal (so the next card is a new one).</summary>
    public Task RemoveAsync() => Stack.RemoveCardAsync(Link);

    public async ValueTask DisposeAsync()
    {
        if (Link.IsInserted)
        {
            await RemoveAsync();
        }
    }
}

/// <summary>A login URL the agent opened, and when (Stopwatch timestamp).</summary>
public sealed record OpenedUrl(Uri Url, long Timestamp);

/// <summary>The agent's "open the browser" step, handing the URL to the Playwright-driven Chromium instead of xdg-open.</summary>
public sealed class PlaywrightBrowserLauncher(ChannelWriter<OpenedUrl> opened) : IBrowserLauncher
{
    public void Open(Uri loginUrl) => opened.TryWrite(new OpenedUrl(loginUrl, Stopwatch.GetTimestamp()));
}
