using Ers.Agent.Journey;
using Ers.Agent.Ui;
using Ers.Agent.Ui.Desktop;

namespace Ers.Agent.Tests;

/// <summary>
/// The confirmation, a refusal and "Session ended" reach a real notification daemon (dunst on the test's own Xvfb
/// and session D-Bus) as plain sentences; dunst's own history is what the test reads back.
/// </summary>
public sealed class DesktopNotificationTests : IAsyncLifetime
{
    private DesktopSession _desktop = null!;

    public async Task InitializeAsync() => _desktop = await DesktopSession.StartAsync();

    public async Task DisposeAsync() => await _desktop.DisposeAsync();

    [Fact]
    public async Task Confirmation_refusal_and_session_ended_are_notified_as_sentences()
    {
        await using var notifier = new DesktopNotifier(_desktop.BusAddress);
        var lines = new StringWriter();
        using var ui = new DesktopAgentUi(new LineAgentUi(new StringReader(""), lines), new PinentryClient("/usr/bin/pinentry-gtk-2"), notifier);
        var refusal = AgentMessages.Describe(new Ers.Agent.Api.AgentApiException(403, "session.concurrent-limit", "session.concurrent-limit"));

        ui.Show(new AgentNotice("Virtual PCD 00 00", JourneyState.Active, NoticeLevel.Info, "Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)"));
        await ui.LastNotification;
        ui.Show(new AgentNotice("Virtual PCD 00 01", JourneyState.Failed, NoticeLevel.Error, refusal));
        await ui.LastNotification;
        ui.Show(new AgentNotice("Virtual PCD 00 00", JourneyState.Waiting, NoticeLevel.Info, "Passcode accepted. Logging in..."));
        Assert.True(await Eventually.TryAsync(async () => await _desktop.NotificationCountAsync() == 2, TimeSpan.FromSeconds(30)), "dunst did not get the two notifications");
        await _desktop.X.ScreenshotAsync(Path.Combine(AgentMessagesTests.RepositoryRoot(), "artifacts", "screenshots", "notifications-confirmation-and-refusal.png"));
        ui.Show(new AgentNotice("Virtual PCD 00 00", JourneyState.Waiting, NoticeLevel.Info, AgentMessages.SessionEndedByRemoval));
        await ui.LastNotification;

        // Closing moves what dunst shows into its history (where expired ones are already), printed as JSON.
        Assert.True(await Eventually.TryAsync(async () => await _desktop.NotificationCountAsync() == 3, TimeSpan.FromSeconds(30)), "dunst did not get the third notification");
        var bodies = await _desktop.CloseAndReadNotificationsAsync();

        Assert.Equal(3, bodies.Count); // "Logging in..." is not a pop-up
        Assert.Contains(new DunstNotification("Logged in", "Logged in as Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY).", DesktopNotifier.AppName), bodies);
        Assert.Contains(new DunstNotification("Ers smartcard", "You are already logged in at another workstation. Remove your card there first, then try again.", DesktopNotifier.AppName), bodies);
        Assert.Contains(new DunstNotification("Session ended", "Session ended: the card was removed.", DesktopNotifier.AppName), bodies);
    }

    [Fact]
    public async Task Without_a_notification_daemon_the_agent_says_so_once_and_carries_on()
    {
        await using var notifier = new DesktopNotifier("unix:path=/nonexistent/ers-no-bus");
        var lines = new StringWriter();
        using var ui = new DesktopAgentUi(new LineAgentUi(new StringReader(""), lines), new PinentryClient("/usr/bin/pinentry-gtk-2"), notifier);

        ui.Show(new AgentNotice("r", JourneyState.Failed, NoticeLevel.Error, "First."));
        await ui.LastNotification;
        ui.Show(new AgentNotice("r", JourneyState.Failed, NoticeLevel.Error, "Second."));
        await ui.LastNotification;

        var text = lines.ToString();
        Assert.Contains("[r] ERROR: First.", text, StringComparison.Ordinal);
        Assert.Contains("[r] ERROR: Second.", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), l => l.Contains("Desktop notifications are not available", StringComparison.Ordinal));
    }
}
