using Ers.Agent.Journey;
using Ers.Agent.Ui.Desktop;

namespace Ers.Agent.Tests;

/// <summary>
/// The passcode in the real desktop dialog: pinentry-gtk2 on an Xvfb display of the test's own, typed into with
/// xdotool as a person would. Screenshots of the dialog go to artifacts/screenshots.
/// </summary>
public sealed class PinentryDialogTests : IAsyncLifetime
{
    private const string Pinentry = "/usr/bin/pinentry-gtk-2";
    private const string Title = "Ers smartcard";
    private XvfbDisplay _x = null!;

    public async Task InitializeAsync()
    {
        ProcessRunner.RequireFile(Pinentry, "pinentry-gtk2");
        _x = await XvfbDisplay.StartAsync();
    }

    public async Task DisposeAsync() => await _x.DisposeAsync();

    private PinentryClient NewClient() =>
        new(Pinentry, new Dictionary<string, string> { ["DISPLAY"] = _x.Display, ["LANG"] = "C.UTF-8" });

    private static string ScreenshotPath(string name) =>
        Path.Combine(AgentMessagesTests.RepositoryRoot(), "artifacts", "screenshots", name);

    /// <summary>
    /// Types as a keyboard would (XTEST): pinentry grabs the keyboard, so the keys reach its entry field. The window
    /// id only proves the dialog is up; events sent to a window directly are ignored by GTK.
    /// </summary>
    private async Task TypeAsync(string window, string text)
    {
        Assert.NotEmpty(window);
        var (code, output) = await _x.RunAsync("/usr/bin/xdotool", "type", "--delay", "20", text);
        Assert.True(code == 0, output);
        (code, output) = await _x.RunAsync("/usr/bin/xdotool", "key", "Return");
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task The_passcode_typed_into_the_dialog_reaches_the_agent_and_the_error_line_says_tries_left()
    {
        var client = NewClient();
        var asking = client.AskPinAsync("Virtual PCD 00 00", 2, CancellationToken.None);
        var window = await _x.WaitForWindowAsync(Title, asking);
        await _x.ScreenshotAsync(ScreenshotPath("passcode-dialog.png"));

        await TypeAsync(window, "123456");
        var pin = await asking.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("123456", new string(pin));
        Array.Clear(pin);
        Assert.True(new FileInfo(ScreenshotPath("passcode-dialog.png")).Length > 1000);
    }

    [Fact]
    public async Task A_passcode_of_the_wrong_length_is_asked_again_in_the_dialog_and_never_returned()
    {
        var client = NewClient();
        var dialogs = 0;
        client.DialogRequested += _ => Interlocked.Increment(ref dialogs);
        var asking = client.AskPinAsync("Virtual PCD 00 00", 3, CancellationToken.None);
        var window = await _x.WaitForWindowAsync(Title, asking);
        await TypeAsync(window, "1234");
        Assert.True(await Eventually.TryAsync(() => Volatile.Read(ref dialogs) == 2, TimeSpan.FromSeconds(30)), "the dialog was not shown again");
        window = await _x.WaitForWindowAsync(Title, asking);
        await _x.ScreenshotAsync(ScreenshotPath("passcode-dialog-length.png"));
        await TypeAsync(window, "87654321");

        var pin = await asking.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("87654321", new string(pin));
        Array.Clear(pin);
    }

    [Fact]
    public async Task Cancel_in_the_dialog_is_a_cancelled_passcode_with_a_plain_sentence()
    {
        var client = NewClient();
        var asking = client.AskPinAsync("Virtual PCD 00 00", 3, CancellationToken.None);
        var window = await _x.WaitForWindowAsync(Title, asking);
        Assert.NotEmpty(window);
        var (code, output) = await _x.RunAsync("/usr/bin/xdotool", "key", "Escape");
        Assert.True(code == 0, output);

        var cancelled = await Assert.ThrowsAsync<PasscodeCancelledException>(() => asking.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("No passcode was entered. Remove the card and insert it again to log in.", AgentMessages.Describe(cancelled));
    }

    [Fact]
    public async Task Removing_the_card_closes_the_dialog()
    {
        var client = NewClient();
        using var removed = new CancellationTokenSource();
        var asking = client.AskPinAsync("Virtual PCD 00 00", 3, removed.Token);
        await _x.WaitForWindowAsync(Title, asking);

        await removed.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await Eventually.TryAsync(async () =>
            (await _x.RunAsync("/usr/bin/xdotool", "search", "--onlyvisible", "--name", $"^{Title}$")).ExitCode != 0, TimeSpan.FromSeconds(30)),
            "the dialog is still shown");
    }
}
