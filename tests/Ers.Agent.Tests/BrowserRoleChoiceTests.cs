using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Agent.PcSc;
using Ers.Agent.Ui;
using Ers.Api;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// Roles chosen in the browser (<c>--role-choice browser</c>, the desktop default): for a user of several roles the
/// agent asks nothing, opens the login link of the session still awaiting its role, and shows the role once the
/// heartbeat names the one chosen on the role page. Real pcscd + vpcd with the virtual card.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class BrowserRoleChoiceTests(PcscdFixture pcscd) : IAsyncLifetime
{
    private static readonly RoleProfileDto Referrer = new("555021935107", "E82665", "Riverside Surgery", "S8000:G8000:R8000", "Clinical Practitioner Access Role");
    private static readonly RoleProfileDto Provider = new("555021935108", "RYY", "Kent Community Health", "S8000:G8000:R8001", "Medical Secretary Access Role");

    private readonly TestPki _pki = new();
    private readonly PcScCardReaderService _readers = new(TimeProvider.System);
    private readonly Pipe _input = new();
    private readonly StringWriter _output = new();
    private readonly Channel<AgentNotice> _notices = Channel.CreateUnbounded<AgentNotice>();
    private readonly Channel<Uri> _opened = Channel.CreateUnbounded<Uri>();
    private readonly CancellationTokenSource _stop = new();
    private FakeErs _ers = null!;
    private HttpAgentApi _api = null!;
    private LineAgentUi _ui = null!;
    private Task _agent = Task.CompletedTask;

    private sealed class RecordingBrowser(ChannelWriter<Uri> opened) : IBrowserLauncher
    {
        public void Open(Uri loginUrl) => opened.TryWrite(loginUrl);
    }

    public async Task InitializeAsync()
    {
        _ = pcscd;
        await PcscTests.WaitUntilEmptyAsync(_readers, 0);
        _ers = await FakeErs.StartAsync(_pki);
        _ers.Roles = [Referrer, Provider];
        _api = new HttpAgentApi(_ers.BaseAddress, _pki.Workstation, [_pki.Ca]);
        _ui = new LineAgentUi(new StreamReader(_input.Reader.AsStream()), _output);
        _ui.Shown += n => _notices.Writer.TryWrite(n);
        var agent = new AgentJourney(_readers, _api, _ui, new RecordingBrowser(_opened.Writer), TimeSpan.FromSeconds(30),
            TimeProvider.System, rolesInBrowser: true);
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
    }

    private Task<AgentNotice> WaitForAsync(Func<AgentNotice, bool> match, string what) =>
        Eventually.MatchAsync(_notices.Reader, match, $"notice '{what}'", EventProbe.Timeout, _ => { },
            () => $"Output:\n{_output}\nAgent: {_agent.Status} {_agent.Exception}");

    [Fact]
    public async Task Several_roles_open_the_browser_first_and_the_role_chosen_there_becomes_the_agents()
    {
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", false)));
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        await WaitForAsync(n => n.State == JourneyState.AwaitingPin, "passcode asked");
        await _input.Writer.WriteAsync(Encoding.UTF8.GetBytes("123456\n"));

        var choose = await WaitForAsync(n => n.State == JourneyState.SelectingRole, "choose the role");
        Assert.Equal(AgentMessages.ChooseRoleInBrowser, choose.Message);
        var opened = await _opened.Reader.ReadAsync().AsTask().WaitAsync(EventProbe.Timeout);
        Assert.StartsWith(new Uri(_ers.BaseAddress, "/login?ticket=session-").AbsoluteUri, opened.AbsoluteUri, StringComparison.Ordinal);
        // The agent asks nothing and chooses nothing: the role is the user's choice on the role page.
        Assert.DoesNotContain(AgentApiRoutes.SelectRole, _ers.Routes);
        await _ers.WaitForCallAsync(AgentApiRoutes.Heartbeat);

        _ers.RoleChosenInBrowser = Provider;

        var active = await WaitForAsync(n => n.State == JourneyState.Active, "active");
        Assert.Equal("Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)", active.Message);
        Assert.DoesNotContain(AgentApiRoutes.SelectRole, _ers.Routes);
        Assert.False(_opened.Reader.TryRead(out _), "the login link was opened twice");
    }
}
