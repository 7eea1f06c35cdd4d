using Ers.Agent.Journey;
using Ers.Agent.Ui.Desktop;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Hosts;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// The status icon's menu (com.canonical.dbusmenu) driven over a real session D-Bus by dbus-send, as a tray host
/// drives it, with the agent on the real pcscd and virtual card against the real Ers.Web: Log out ends the session
/// at Ers, Log in again logs the card left in back in, Show status pops up a notification (read back from dunst),
/// Quit logs out and stops the agent.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class StatusMenuTests(PcscdFixture pcscd, AgentHost ers) : IClassFixture<AgentHost>, IAsyncLifetime
{
    private const string AmeliaHart = "555294209105";
    private DesktopSession _desktop = null!;
    private Tmds.DBus.Connection _connection = null!;
    private DesktopNotifier _notifier = null!;
    private StatusIcon _icon = null!;
    private AgentRig _rig = null!;
    private AgentUnderTest _agent = null!;

    private string Item => $"org.kde.StatusNotifierItem-{Environment.ProcessId}-1";

    public async Task InitializeAsync()
    {
        _ = pcscd;
        _desktop = await DesktopSession.StartAsync();
        _connection = new Tmds.DBus.Connection(_desktop.BusAddress);
        await _connection.ConnectAsync();
        _icon = new StatusIcon();
        await _icon.PublishAsync(_connection);
        _notifier = new DesktopNotifier(_desktop.BusAddress);
        _rig = await AgentRig.AgainstErsAsync(ers, http => new AgentUnderTest(http, TimeSpan.FromSeconds(30), ui: lines => new IconFollowingUi(lines, _icon)));
        _agent = _rig.Agent;
        var journey = _agent.Start();
        // The same actions the agent's host attaches.
        _icon.Menu.Attach(StatusMenuActions.For(journey, _icon, _notifier, _agent.Stop));
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _notifier.DisposeAsync();
        _connection.Dispose();
        await _desktop.DisposeAsync();
    }

    [Fact]
    public async Task Log_out_log_in_again_show_status_and_quit_from_the_icons_menu_over_dbus()
    {
        Assert.Contains("object path \"/MenuBar\"", await DBusAsync("/StatusNotifierItem", "org.freedesktop.DBus.Properties.Get",
            "string:org.kde.StatusNotifierItem", "string:Menu"), StringComparison.Ordinal);
        var layout = await DBusAsync("/MenuBar", "com.canonical.dbusmenu.GetLayout", "int32:0", "int32:-1", "array:string:label,enabled");
        var labels = new[] { "Show status", "Log in again", "Log out", "Quit" };
        Assert.Equal(labels, labels.OrderBy(l => layout.IndexOf($"string \"{l}\"", StringComparison.Ordinal)).Where(l => layout.Contains($"string \"{l}\"", StringComparison.Ordinal)));
        Assert.False(await EnabledAsync(StatusMenu.LogOutId));
        Assert.False(await EnabledAsync(StatusMenu.LogInAgainId));

        var issued = ers.IssueCard(AmeliaHart, "Amelia Hart");
        await using var link = new VpcdCardLink(AgentRig.VirtualCardOf(issued), 0);
        await _agent.TypeAsync("123456");
        await link.InsertAsync();
        await WaitForActiveAsync();
        var first = (await ers.Grains.GetGrain<ICardGrain>(issued.CardId).GetAsync()).SessionId!;
        Assert.True(await EnabledAsync(StatusMenu.LogOutId));

        // Log out: the session ends at Ers (as a logout), the card stays in, the icon says so.
        await ClickAsync(StatusMenu.LogOutId);
        var ended = await _agent.WaitForAsync(n => n.State == JourneyState.Ended, "logged out");
        Assert.StartsWith(AgentJourney.LoggedOut, ended.Message, StringComparison.Ordinal);
        Assert.Equal((SessionState.Ended, SessionEndReason.Logout), await StateAsync(first));
        Assert.Contains("\"Session ended\"", await DBusAsync("/StatusNotifierItem", "org.freedesktop.DBus.Properties.Get",
            "string:org.kde.StatusNotifierItem", "string:ToolTip"), StringComparison.Ordinal);
        Assert.False(await EnabledAsync(StatusMenu.LogOutId));
        Assert.True(await EnabledAsync(StatusMenu.LogInAgainId));

        // Log in again, with the card never pulled.
        await _agent.TypeAsync("123456");
        await ClickAsync(StatusMenu.LogInAgainId);
        await WaitForActiveAsync();
        var second = (await ers.Grains.GetGrain<ICardGrain>(issued.CardId).GetAsync()).SessionId!;
        Assert.NotEqual(first, second);
        Assert.Equal((SessionState.Active, null), await StateAsync(second));

        // Show status: the tooltip as a notification, as dunst received it.
        await ClickAsync(StatusMenu.ShowStatusId);
        // dunst lists a notification in its history once it is closed.
        await Eventually.TrueAsync(async () => (await _desktop.RunAsync("/usr/bin/dunstctl", "close-all")).ExitCode == 0
                && (await _desktop.RunAsync("/usr/bin/dunstctl", "history")).Output.Contains("Dr Amelia Hart", StringComparison.Ordinal),
            "the status notification in dunst's history", TimeSpan.FromSeconds(15));

        // Quit: logs out first, then the agent stops.
        await ClickAsync(StatusMenu.QuitId);
        await _agent.Running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((SessionState.Ended, SessionEndReason.Logout), await StateAsync(second));
    }

    private async Task<string> DBusAsync(string path, string method, params string[] args)
    {
        var (code, output) = await _desktop.RunAsync("/usr/bin/dbus-send", ["--print-reply", $"--dest={Item}", path, method, .. args]);
        Assert.True(code == 0, output);
        return output;
    }

    private async Task<bool> EnabledAsync(int id)
    {
        var answer = await DBusAsync("/MenuBar", "com.canonical.dbusmenu.GetGroupProperties", $"array:int32:{id}", "array:string:enabled");
        Assert.True(answer.Contains("boolean true", StringComparison.Ordinal) ^ answer.Contains("boolean false", StringComparison.Ordinal), answer);
        return answer.Contains("boolean true", StringComparison.Ordinal);
    }

    private async Task ClickAsync(int id)
    {
        await DBusAsync("/MenuBar", "com.canonical.dbusmenu.Event", $"int32:{id}", "string:clicked", "variant:int32:0", "uint32:0");
        await _icon.Menu.LastAction.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<(SessionState, SessionEndReason?)> StateAsync(string sessionId)
    {
        var snapshot = await ers.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        return (snapshot!.State, snapshot.EndReason);
    }

    private Task<AgentNotice> WaitForActiveAsync() =>
        _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Message.StartsWith(AgentMessages.ActivePrefix, StringComparison.Ordinal), "Active");
}
