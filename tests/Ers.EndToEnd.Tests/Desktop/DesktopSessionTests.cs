using Ers.Agent.Journey;
using Ers.Agent.Ui.Desktop;
using Ers.Testing.Desktop;
using Ers.VirtualCard;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests.Desktop;

/// <summary>
/// The whole journey as a clinician lives it (issue 15), on a desktop session of the test's own against the real
/// Ers: the card goes into the real pcscd; the agent, running as its systemd user unit runs it, shows the real
/// pinentry-gtk-2 dialog, into which the passcode is typed with xdotool (a wrong one first: the dialog's error line
/// says "2 tries left"); the agent opens the role page in Chromium on the display, where typing filters the user's
/// seven roles until one is left and is chosen; the status icon (read over D-Bus) and dunst's notification say who
/// is logged in, in which role and organisation; pulling the card ends the session, and both say so. A user without
/// a role profile is refused in a sentence. Screenshots of the dialog, the filtered role page, the confirmation and
/// the refusal go to artifacts/screenshots (desktop-*.png), the README's come from there.
/// </summary>
[Collection(DesktopSessionCollection.Name)]
public sealed class DesktopSessionTests(DesktopSessionFixture fixture, ITestOutputHelper log)
{
    private const string GraceLindqvist = "555294209108"; // seven roles
    private const string JordanEllis = "555294209109";    // no role profile
    private const string DialogTitle = "Ers smartcard";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The sample users these tests log in with (the fixture waits for the directory import to reach them).</summary>
    public static readonly string[] Users = [GraceLindqvist, JordanEllis];

    private EndToEndStack Stack => fixture.Stack;

    private DesktopSession Desktop => fixture.Desktop;

    private DesktopAgentProcess Agent => fixture.Agent;

    private static ILocator Roles(IPage page) => page.Locator("#role-list .nhsuk-radios__item:visible");

    [Fact]
    public Task A_clinician_logs_in_through_the_passcode_dialog_and_the_role_page_and_pulling_the_card_ends_the_session() =>
        ExplainedAsync(ClinicianJourneyAsync);

    [Fact]
    public Task A_user_without_a_role_profile_is_refused_in_a_sentence_on_the_icon_and_in_a_notification() =>
        ExplainedAsync(RefusalAsync);

    /// <summary>Runs a journey; when it fails, the agent's journal and the dialogs' commands are in the test's output.</summary>
    private async Task ExplainedAsync(Func<Task> journey)
    {
        try
        {
            await journey();
        }
        finally
        {
            log.WriteLine("Agent output:\n" + Agent.Process.Output);
            log.WriteLine("Passcode dialog commands:\n" + Agent.DialogCommands);
        }
    }

    private async Task ClinicianJourneyAsync()
    {
        var card = Stack.CardFor(GraceLindqvist);
        await using var link = new VpcdCardLink(card, reader: 0);
        var activeLines = Agent.LinesWith(AgentMessages.ActivePrefix);
        await Desktop.CloseAndReadNotificationsAsync(); // an earlier test's, off the screen
        var notified = await Desktop.NotificationCountAsync();
        await link.InsertAsync();

        var first = await Desktop.X.WaitForWindowAsync(DialogTitle);
        Assert.Contains("\"dialog-password\"", await Agent.IconPropertyAsync("IconName"), StringComparison.Ordinal);
        Assert.Contains("\"NeedsAttention\"", await Agent.IconPropertyAsync("Status"), StringComparison.Ordinal);
        await TypeIntoDialogAsync("000000");
        // The next question is a new dialog (another pinentry): its error line is the one the card's answer gave.
        await Desktop.X.WaitForWindowAsync(DialogTitle, notOfProcess: await Desktop.X.WindowProcessAsync(first));
        Assert.Contains("\nSETERROR Wrong passcode. 2 tries left.\n", Agent.DialogCommands, StringComparison.Ordinal);
        await Desktop.X.ScreenshotAsync(EndToEndStack.ScreenshotPath("desktop-passcode-dialog"));
        await TypeIntoDialogAsync(EndToEndStack.Pin);

        // The agent opened the login link in the browser; the session awaits its role, so the page asks for it.
        var page = await Agent.Chromium.WaitForPageAsync(u => u.EndsWith("/role", StringComparison.Ordinal), "the role page in the agent's Chromium", Timeout);
        await Expect(Roles(page)).ToHaveCountAsync(7);
        var search = page.GetByLabel("Search your 7 roles");
        await search.PressSequentiallyAsync("medical", new() { Delay = 30 });
        await Expect(Roles(page)).ToHaveCountAsync(2); // Hillside Medical Centre, Medical Director
        await search.PressSequentiallyAsync(" rj1", new() { Delay = 30 });
        await Expect(Roles(page)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("role-count")).ToHaveTextAsync("1 of 7 roles shown");
        await Desktop.X.ScreenshotAsync(EndToEndStack.ScreenshotPath("desktop-role-search"));
        await page.GetByLabel("Medical Director at Guy's and St Thomas' NHS Foundation Trust (RJ1)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByTestId("role")).ToHaveTextAsync("Medical Director", new() { Timeout = 30_000 });

        // The agent learns the role from its heartbeat: the icon and the confirmation name user, role and organisation.
        const string Who = "Dr Grace Lindqvist - Medical Director - Guy's and St Thomas' NHS Foundation Trust (RJ1)";
        Assert.EndsWith(AgentMessages.ActivePrefix + Who, await Agent.WaitForLineAsync(AgentMessages.ActivePrefix, activeLines, Timeout), StringComparison.Ordinal);
        await Desktop.WaitForNotificationsAsync(notified, Timeout, "the confirmation");
        await Desktop.X.ScreenshotAsync(EndToEndStack.ScreenshotPath("desktop-confirmation"));
        Assert.Contains("\"security-high\"", await Agent.IconPropertyAsync("IconName"), StringComparison.Ordinal);
        Assert.Contains("\"Active\"", await Agent.IconPropertyAsync("Status"), StringComparison.Ordinal);
        var tooltip = await Agent.IconPropertyAsync("ToolTip");
        Assert.Contains("\"Active\"", tooltip, StringComparison.Ordinal);
        Assert.Contains($"\"{Who}\"", tooltip, StringComparison.Ordinal);
        var received = await Desktop.CloseAndReadNotificationsAsync();
        Assert.Contains(new DunstNotification("Logged in", $"Logged in as {Who}.", DesktopNotifier.AppName), received);

        notified = await Desktop.NotificationCountAsync();
        var ended = Agent.LinesWith(AgentMessages.SessionEndedByRemoval);
        await link.RemoveAsync();
        await Agent.WaitForLineAsync(AgentMessages.SessionEndedByRemoval, ended, Timeout);
        await Desktop.WaitForNotificationsAsync(notified, Timeout, "session ended");
        received = await Desktop.CloseAndReadNotificationsAsync();
        Assert.Contains(new DunstNotification("Session ended", AgentMessages.SessionEndedNotification, DesktopNotifier.AppName), received);
        Assert.Contains("\"security-low\"", await Agent.IconPropertyAsync("IconName"), StringComparison.Ordinal);
        Assert.Contains("\"Passive\"", await Agent.IconPropertyAsync("Status"), StringComparison.Ordinal);
        Assert.Contains("\"No card\"", await Agent.IconPropertyAsync("ToolTip"), StringComparison.Ordinal);
        await Expect(page.GetByText("Your session has ended")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.DoesNotContain(EndToEndStack.Pin, Agent.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(EndToEndStack.Pin, Agent.DialogCommands, StringComparison.Ordinal);
    }

    private async Task RefusalAsync()
    {
        await using var link = new VpcdCardLink(Stack.CardFor(JordanEllis), reader: 0);
        await Desktop.CloseAndReadNotificationsAsync(); // an earlier test's, off the screen
        var notified = await Desktop.NotificationCountAsync();
        var refusals = Agent.LinesWith(AgentMessages.NoRoles);
        await link.InsertAsync();
        await Desktop.X.WaitForWindowAsync(DialogTitle);
        await TypeIntoDialogAsync(EndToEndStack.Pin);

        await Agent.WaitForLineAsync(AgentMessages.NoRoles, refusals, Timeout);
        await Desktop.WaitForNotificationsAsync(notified, Timeout, "the refusal");
        await Desktop.X.ScreenshotAsync(EndToEndStack.ScreenshotPath("desktop-refusal"));
        Assert.Contains("\"dialog-error\"", await Agent.IconPropertyAsync("IconName"), StringComparison.Ordinal);
        var tooltip = await Agent.IconPropertyAsync("ToolTip");
        Assert.Contains("\"Not logged in\"", tooltip, StringComparison.Ordinal);
        Assert.Contains(AgentMessages.NoRoles, tooltip, StringComparison.Ordinal);
        var received = await Desktop.CloseAndReadNotificationsAsync();
        Assert.Contains(new DunstNotification(DesktopNotifier.AppName, AgentMessages.NoRoles, DesktopNotifier.AppName), received);

        var removed = Agent.LinesWith(AgentMessages.CardRemoved);
        await link.RemoveAsync();
        await Agent.WaitForLineAsync(AgentMessages.CardRemoved, removed, Timeout);
        Assert.DoesNotContain(EndToEndStack.Pin, Agent.Process.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Types as a keyboard would (XTEST) and presses Return: pinentry grabs the keyboard, so the keys reach its entry.
    /// </summary>
    private async Task TypeIntoDialogAsync(string text)
    {
        var (code, output) = await Desktop.X.RunAsync("/usr/bin/xdotool", "type", "--delay", "20", text);
        Assert.True(code == 0, output);
        (code, output) = await Desktop.X.RunAsync("/usr/bin/xdotool", "key", "Return");
        Assert.True(code == 0, output);
    }
}
