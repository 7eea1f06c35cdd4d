using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Agent.PcSc;
using Ers.Agent.Ui;
using Ers.Agent.Ui.Desktop;
using Ers.Api;
using Ers.VirtualCard;
using Xunit.Abstractions;

namespace Ers.Agent.Tests;

/// <summary>
/// The agent with <c>--ui desktop</c>, as a person uses it: the virtual card goes into the real pcscd, the passcode
/// dialog (real pinentry-gtk2 on the test's own Xvfb) pops up, the passcode is typed into it with xdotool, and the
/// journey reaches Active against the Kestrel stand-in for Ers. Prints the two timings the issue asks for.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class DesktopJourneyTests(PcscdFixture pcscd, ITestOutputHelper log) : IAsyncLifetime
{
    private const string Pinentry = "/usr/bin/pinentry-gtk-2";
    private static readonly RoleProfileDto Provider = new("555021935108", "RYY", "Kent Community Health", "S8000:G8000:R8001", "Medical Secretary Access Role");
    private readonly TestPki _pki = new();
    private readonly PcScCardReaderService _readers = new(TimeProvider.System);
    private readonly Pipe _input = new();
    private readonly StringWriter _output = new();
    private readonly Channel<AgentNotice> _notices = Channel.CreateUnbounded<AgentNotice>();
    private readonly CancellationTokenSource _stop = new();
    private XvfbDisplay _x = null!;
    private FakeErs _ers = null!;
    private HttpAgentApi _api = null!;
    private DesktopAgentUi _ui = null!;
    private Task _agent = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _ = pcscd;
        ProcessRunner.RequireFile(Pinentry, "pinentry-gtk2");
        _x = await XvfbDisplay.StartAsync();
        await PcscTests.WaitUntilEmptyAsync(_readers, 0);
        _ers = await FakeErs.StartAsync(_pki);
        _ers.Roles = [Provider];
        _api = new HttpAgentApi(_ers.BaseAddress, _pki.Workstation, [_pki.Ca]);
        var lines = new LineAgentUi(new StreamReader(_input.Reader.AsStream()), _output);
        lines.Shown += n => _notices.Writer.TryWrite(n);
        _ui = new DesktopAgentUi(lines, new PinentryClient(Pinentry, new Dictionary<string, string> { ["DISPLAY"] = _x.Display }));
        var agent = new AgentJourney(_readers, _api, _ui, browser: null, TimeSpan.FromSeconds(30), TimeProvider.System);
        _agent = Task.Run(() => agent.RunAsync(_stop.Token));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _agent;
        await _input.Writer.CompleteAsync();
        _api.Dispose();
        _ui.Dispose();
        await _ers.DisposeAsync();
        await _x.DisposeAsync();
        Assert.DoesNotContain("123456", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passcode_typed_into_the_desktop_dialog_logs_the_card_in()
    {
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", ecc: true)));
        await using var link = new VpcdCardLink(card, 0);
        var inserted = Stopwatch.StartNew();
        await link.InsertAsync();

        // First the agent asks (the card was seen and read), then its dialog shows: a miss names which step stalled.
        await WaitForAsync(n => n.State == JourneyState.AwaitingPin);
        var window = await _x.WaitForWindowAsync("Ers smartcard", _agent);
        var dialogVisible = inserted.Elapsed;
        await _x.RunAsync("/usr/bin/xdotool", "type", "--delay", "20", "123456");
        var (code, output) = await _x.RunAsync("/usr/bin/xdotool", "key", "Return");
        Assert.True(code == 0 && window.Length > 0, output);
        var entered = Stopwatch.StartNew();

        var active = await WaitForAsync(n => n.State == JourneyState.Active && n.Message.StartsWith("Active:", StringComparison.Ordinal));
        var confirmed = entered.Elapsed;
        Assert.Equal("Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)", active.Message);
        Assert.False(card.PinVerified);
        Assert.Equal(1, card.PinPresentationCount);
        log.WriteLine($"insertion -> passcode dialog visible: {dialogVisible.TotalMilliseconds:F0} ms; Return in the dialog -> Active: {confirmed.TotalMilliseconds:F0} ms");
    }

    private async Task<AgentNotice> WaitForAsync(Func<AgentNotice, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var notice = await _notices.Reader.ReadAsync(timeout.Token);
                if (match(notice))
                {
                    return notice;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Not active. Output:\n{_output}");
        }
    }
}
