using System.Threading.Channels;
using Ers.Agent.Journey;
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
    private readonly Channel<Uri> _opened = Channel.CreateUnbounded<Uri>();
    private AgentRig _rig = null!;
    private FakeErs _ers = null!;
    private AgentUnderTest _agent = null!;

    private sealed class RecordingBrowser(ChannelWriter<Uri> opened) : IBrowserLauncher
    {
        public void Open(Uri loginUrl) => opened.TryWrite(loginUrl);
    }

    public async Task InitializeAsync()
    {
        _ = pcscd;
        _rig = await AgentRig.AgainstStandInAsync([AgentRig.Referrer, AgentRig.Provider],
            api => new AgentUnderTest(api, TimeSpan.FromSeconds(30), browser: new RecordingBrowser(_opened.Writer), rolesInBrowser: true));
        (_ers, _agent) = (_rig.StandIn, _rig.Agent);
        _agent.Start();
    }

    public Task DisposeAsync() => _rig.DisposeAsync().AsTask();

    [Fact]
    public async Task Several_roles_open_the_browser_first_and_the_role_chosen_there_becomes_the_agents()
    {
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", false)));
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        await _agent.WaitForAsync(n => n.State == JourneyState.AwaitingPin, "passcode asked");
        await _agent.TypeAsync("123456");

        var choose = await _agent.WaitForAsync(n => n.State == JourneyState.SelectingRole, "choose the role");
        Assert.Equal(AgentMessages.ChooseRoleInBrowser, choose.Message);
        var opened = await _opened.Reader.ReadAsync().AsTask().WaitAsync(EventProbe.Timeout);
        Assert.StartsWith(new Uri(_ers.BaseAddress, "/login?ticket=session-").AbsoluteUri, opened.AbsoluteUri, StringComparison.Ordinal);
        // The agent asks nothing and chooses nothing: the role is the user's choice on the role page.
        Assert.DoesNotContain(AgentApiRoutes.SelectRole, _ers.Routes);
        await _ers.WaitForCallAsync(AgentApiRoutes.Heartbeat);

        _ers.RoleChosenInBrowser = AgentRig.Provider;

        var active = await _agent.WaitForAsync(n => n.State == JourneyState.Active, "active");
        Assert.Equal("Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)", active.Message);
        Assert.DoesNotContain(AgentApiRoutes.SelectRole, _ers.Routes);
        Assert.False(_opened.Reader.TryRead(out _), "the login link was opened twice");
    }
}
