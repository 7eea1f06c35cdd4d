using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Agent.PcSc;
using Ers.Agent.Ui;
using Ers.Testing.Browsers;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;
using Ers.VirtualCard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Ers.Testing.EndToEnd;

/// <summary>
/// Everything between a card and a clinician's homepage, for real: a development PKI made by the <c>ers pki dev</c>
/// code in a temporary directory, Ers.Web (the shared <see cref="ErsWebFactory"/>: co-hosted silo, sample directory)
/// on Kestrel with TLS on free loopback ports, the agent's journey in process (<see cref="AgentJourney"/> on pcscd, <see cref="HttpAgentApi"/> with the
/// workstation certificate, <see cref="LineAgentUi"/> fed through a pipe), and Debian's Chromium driven by Playwright,
/// which the agent's "open the browser" step hands the login URL to. pcscd itself is started by the caller.
/// </summary>
public sealed class EndToEndStack : IAsyncDisposable
{
    public const string Pin = "123456";
    public const string WorkstationId = "WS-E2E-0001";

    private readonly Pipe _answers = new();
    private readonly Stream _answerStream;
    private readonly CancellationTokenSource _stopAgent = new();
    private StackHost? _factory;
    private HttpAgentApi? _httpApi;
    private StreamReader? _agentInput;
    private LineAgentUi? _lineUi;
    private Task _agent = Task.CompletedTask;
    private ChromiumBrowser? _chromium;

    private EndToEndStack()
    {
        _answerStream = _answers.Writer.AsStream();
    }

    public Uri BrowserUrl { get; private set; } = null!;

    public Uri AgentUrl { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    /// <summary>The development PKI <c>ers pki dev</c> made for this stack (cards, workstations, CAs).</summary>
    public string PkiDirectory => _factory!.PkiDirectory;

    /// <summary>The workstation certificate of <see cref="WorkstationId"/> (PFX, empty password).</summary>
    public string WorkstationPfx => DevPki.PfxPath(Path.Combine(PkiDirectory, "workstations"), WorkstationId);

    /// <summary>Waits until the directory import has reached <paramref name="userId"/>.</summary>
    public Task WaitForUserAsync(string userId) => _factory!.WaitForUserAsync(userId);

    /// <summary>The CA that signed the server certificate (PEM): what the agent and a browser trust.</summary>
    public string ServerCaPath => DevPki.CertificatePath(PkiDirectory, DevPki.ServerCaName);

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IBrowser Browser => _chromium!.Browser;

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

    /// <summary>Starts the stack.</summary>
    /// <param name="log">Where the PKI set-up lines go.</param>
    /// <param name="inProcessAgent">
    /// False: no agent in process and no Playwright-launched Chromium (<see cref="Api"/>, <see cref="Ui"/>,
    /// <see cref="Browser"/> and the login helpers are then not there): the caller runs the agent as a process of its
    /// own, as the desktop session test does, and no second agent on pcscd answers its cards.
    /// </param>
    public static async Task<EndToEndStack> StartAsync(Action<string>? log = null, bool inProcessAgent = true)
    {
        var stack = new EndToEndStack();
        try
        {
            await stack.InitializeAsync(log, inProcessAgent);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(Action<string>? log, bool inProcessAgent)
    {
        // Both ports are chosen up front: the login URL the agents' API hands out must name the browser endpoint.
        BrowserUrl = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        AgentUrl = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        var factory = _factory = new StackHost(BrowserUrl, AgentUrl, log);
        factory.StartKestrel();
        await factory.WaitForSessionPushAsync();
        await factory.WaitForUserAsync("555294209106");
        if (!inProcessAgent)
        {
            return;
        }

        _chromium = await ChromiumBrowser.LaunchAsync();
        var pki = factory.PkiDirectory;

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
            new PlaywrightBrowserLauncher(OpenedUrls.Writer), TimeSpan.FromSeconds(30), TimeProvider.System, BrowserUrl);
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
    public Task<CardLogin> InsertAndLogInAsync(string userId, IPage page, params string[] answers) =>
        InsertAndLogInAsync(CardFor(userId), page, answers);

    /// <summary>The whole journey with a card the test holds (one whose PIN it changed, say).</summary>
    public Task<CardLogin> InsertAndLogInAsync(VirtualPivCard card, IPage page, params string[] answers) =>
        InsertAndLogInAsync(card, page, 0, answers);

    /// <summary>The whole journey in vpcd reader <paramref name="reader"/> (a second card at the same workstation).</summary>
    public async Task<CardLogin> InsertAndLogInAsync(VirtualPivCard card, IPage page, int reader, params string[] answers)
    {
        Api.Calls.Clear();
        Ui.Prompts.Clear();
        while (InsertionsSeen.Reader.TryRead(out _))
        {
        }

        await AnswerAsync(answers);
        var link = new VpcdCardLink(card, reader);
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
    /// <param name="userId">The sample user's 12-digit UUID.</param>
    /// <param name="cardId">
    /// A card id other than the issued one: the same user's certificate on another card, so a test can block or break
    /// it without changing the state Ers keeps for the user's own card, which other tests log in with.
    /// </param>
    public VirtualPivCard CardFor(string userId, Guid? cardId = null)
    {
        var file = Path.Combine(_factory!.PkiDirectory, "cards", $"{userId}-rsa.json");
        var issued = JsonSerializer.Deserialize<IssuedCard>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"Empty card file {file}.");
        var certificate = X509Certificate2.CreateFromPemFile(issued.CertificatePath, issued.KeyPath);
        return new VirtualPivCard(new VirtualCardOptions
        {
            Certificate = certificate,
            PrivateKey = certificate.GetRSAPrivateKey()!,
            Pin = Pin,
            Puk = issued.Puk ?? VirtualCardOptions.DefaultPuk,
            CardGuid = VirtualCardOptions.CardGuidFrom(cardId ?? Guid.Parse(issued.CardId)),
        });
    }

    /// <summary>The PUK <c>ers pki dev</c> wrote into a sample user's card file (the card's PIN unblocking key).</summary>
    /// <param name="userId">The sample user's 12-digit UUID.</param>
    public string PukOf(string userId)
    {
        var file = Path.Combine(_factory!.PkiDirectory, "cards", $"{userId}-rsa.json");
        var issued = JsonSerializer.Deserialize<IssuedCard>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return issued?.Puk ?? VirtualCardOptions.DefaultPuk;
    }

    /// <summary>A fresh browser context (its own cookies) and page; the NHS font host is not reachable here.</summary>
    public Task<IPage> NewPageAsync() => _chromium!.NewPageAsync();

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
        var directory = RepoRoot.Combine("artifacts", "screenshots");
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
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _stopAgent.Dispose();
    }

    /// <summary>
    /// The shared host with what the journey needs on top: the full <c>ers pki dev</c> set (cards and the
    /// workstation), pages over TLS and the agents' API on ports known before start, and login links naming the pages.
    /// </summary>
    private sealed class StackHost(Uri browserUrl, Uri agentUrl, Action<string>? log) : ErsWebFactory("ers-e2e")
    {
        protected override DevPki CreatePki()
        {
            foreach (var line in DevSetup.Ensure(PkiDirectory, RepoRoot.Combine("samples", "directory.json"), WorkstationId, TimeProvider.System))
            {
                log?.Invoke("pki: " + line);
            }

            return DevPki.Open(PkiDirectory, TimeProvider.System);
        }

        protected override void ConfigureSettings(ErsSettings settings) => settings
            .BrowserHttps(PkiDirectory, browserUrl.ToString().TrimEnd('/'))
            .AgentApi(PkiDirectory, agentUrl.ToString().TrimEnd('/'))
            .Set("Ers:AgentApi:BrowserBaseUrl", browserUrl.ToString().TrimEnd('/'))
            .Set("Ers:Sessions:MaxSessionsPerUser", "50");
    }
}
