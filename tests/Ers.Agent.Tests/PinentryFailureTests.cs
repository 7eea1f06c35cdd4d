using Ers.Agent.Ui.Desktop;

namespace Ers.Agent.Tests;

/// <summary>
/// A pinentry that fails before its dialog shows says why: the failure carries what it printed on stderr (a
/// GTK pinentry without a display prints "cannot open display"), so a dialog that never came explains itself.
/// </summary>
public sealed class PinentryFailureTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ers-pinentry-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Script(string body)
    {
        var path = Path.Combine(_directory.FullName, "pinentry");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        // The tests run on Linux only (pcscd, Xvfb, pinentry); the guard is for the platform analyzer.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    [Fact]
    public async Task A_pinentry_that_dies_at_once_fails_with_its_stderr()
    {
        var client = new PinentryClient(Script("echo 'pinentry-gtk-2: cannot open display: :99' >&2\nexit 1"));
        var failure = await Assert.ThrowsAsync<PinentryException>(() => client.AskPinAsync("Virtual PCD 00 00", 3, CancellationToken.None));
        Assert.Contains("cannot open display: :99", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinentry_that_refuses_a_command_fails_with_the_refusal_and_its_stderr()
    {
        var client = new PinentryClient(Script("echo 'OK Pleased to meet you'\nread line\necho 'Gtk-WARNING: no theme' >&2\necho 'ERR 83886254 Unknown command'\nsleep 1"));
        var failure = await Assert.ThrowsAsync<PinentryException>(() => client.AskPinAsync("Virtual PCD 00 00", 3, CancellationToken.None));
        Assert.Contains("Unknown command", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Gtk-WARNING: no theme", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Answers every command OK, then GETPIN as the script says (what it prints after reading GETPIN).</summary>
    private string ScriptAnsweringGetPin(string afterGetPin) => Script(
        "echo 'OK Pleased to meet you'\nwhile read cmd rest; do\n  if [ \"$cmd\" = GETPIN ]; then\n" + afterGetPin +
        "\n  else echo OK; fi\ndone");

    [Fact]
    public async Task Cancel_is_the_only_GETPIN_error_that_counts_as_a_cancelled_passcode()
    {
        var client = new PinentryClient(ScriptAnsweringGetPin("echo 'ERR 83886179 Operation cancelled <Pinentry>'"));
        await Assert.ThrowsAsync<Ers.Agent.Journey.PasscodeCancelledException>(() => client.AskPinAsync("Virtual PCD 00 00", 3, CancellationToken.None));
    }

    [Fact]
    public async Task Another_GETPIN_error_fails_with_its_code_and_only_GLib_diagnostics_from_stderr()
    {
        var client = new PinentryClient(ScriptAnsweringGetPin(
            "echo '(pinentry-gtk-2:4242): CRITICAL **: could not grab keyboard: already grabbed (1)' >&2\n" +
            "echo 'typed 1234' >&2\necho 'ERR 83886081 General error <Pinentry>'"));
        var failure = await Assert.ThrowsAsync<PinentryException>(() => client.AskPinAsync("Virtual PCD 00 00", 3, CancellationToken.None));
        Assert.Contains("ERR 83886081", failure.Message, StringComparison.Ordinal);
        Assert.Contains("could not grab keyboard", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1234", failure.Message, StringComparison.Ordinal);
    }
}
