using Ers.Agent.Journey;
using Ers.Agent.Ui.Desktop;

namespace Ers.Agent.Tests;

/// <summary>The status icon's properties, read over a real session D-Bus by dbus-send, follow the journey.</summary>
public sealed class StatusIconTests : IAsyncLifetime
{
    private DesktopSession _desktop = null!;

    public async Task InitializeAsync() => _desktop = await DesktopSession.StartAsync();

    public async Task DisposeAsync() => await _desktop.DisposeAsync();

    private async Task<string> GetAsync(string property)
    {
        var (code, output) = await _desktop.RunAsync("/usr/bin/dbus-send", "--print-reply",
            $"--dest=org.kde.StatusNotifierItem-{Environment.ProcessId}-1", "/StatusNotifierItem",
            "org.freedesktop.DBus.Properties.Get", "string:org.kde.StatusNotifierItem", $"string:{property}");
        Assert.True(code == 0, output);
        return output;
    }

    [Fact]
    public async Task Icon_and_tooltip_follow_the_journey()
    {
        using var connection = new Tmds.DBus.Connection(_desktop.BusAddress);
        await connection.ConnectAsync();
        var icon = new StatusIcon();
        await icon.PublishAsync(connection);

        Assert.Contains("\"security-low\"", await GetAsync("IconName"), StringComparison.Ordinal);
        Assert.Contains("\"Passive\"", await GetAsync("Status"), StringComparison.Ordinal);
        Assert.Contains("\"Ers smartcard\"", await GetAsync("Title"), StringComparison.Ordinal);

        icon.Follow(new AgentNotice("Virtual PCD 00 00", JourneyState.AwaitingPin, NoticeLevel.Info, AgentMessages.EnterPin(3)));
        Assert.Contains("\"dialog-password\"", await GetAsync("IconName"), StringComparison.Ordinal);
        Assert.Contains("\"NeedsAttention\"", await GetAsync("Status"), StringComparison.Ordinal);

        icon.Follow(new AgentNotice("Virtual PCD 00 00", JourneyState.Active, NoticeLevel.Info, "Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)"));
        Assert.Contains("\"security-high\"", await GetAsync("IconName"), StringComparison.Ordinal);
        var tooltip = await GetAsync("ToolTip");
        Assert.Contains("\"Active\"", tooltip, StringComparison.Ordinal);
        Assert.Contains("\"Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)\"", tooltip, StringComparison.Ordinal);

        icon.Follow(new AgentNotice("Virtual PCD 00 00", JourneyState.Failed, NoticeLevel.Error, AgentMessages.Unreachable));
        Assert.Contains("\"network-offline\"", await GetAsync("IconName"), StringComparison.Ordinal);

        icon.Follow(new AgentNotice("Virtual PCD 00 00", JourneyState.Blocked, NoticeLevel.Error, AgentMessages.Blocked));
        Assert.Contains("\"dialog-error\"", await GetAsync("IconName"), StringComparison.Ordinal);
        Assert.Contains("Card blocked", await GetAsync("ToolTip"), StringComparison.Ordinal);

        // A session the server ended (or a logout) with the card still in: the icon asks for attention, says why.
        var ended = $"Your session has ended: you logged in somewhere else. {AgentJourney.LogInAgainHint}";
        icon.Follow(new AgentNotice("Virtual PCD 00 00", JourneyState.Ended, NoticeLevel.Warning, ended));
        Assert.Contains("\"NeedsAttention\"", await GetAsync("Status"), StringComparison.Ordinal);
        Assert.Contains("\"Session ended\"", await GetAsync("ToolTip"), StringComparison.Ordinal);
        Assert.Equal(("Session ended", ended, false, -1), DesktopAgentUi.NotificationFor(new AgentNotice("Virtual PCD 00 00", JourneyState.Ended, NoticeLevel.Warning, ended)));

        icon.Follow(new AgentNotice("Virtual PCD 00 00", JourneyState.Waiting, NoticeLevel.Info, AgentMessages.CardRemoved));
        Assert.Contains("\"security-low\"", await GetAsync("IconName"), StringComparison.Ordinal);
    }
}
