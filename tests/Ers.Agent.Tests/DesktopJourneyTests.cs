using System.Diagnostics;
using Ers.Agent.Journey;
using Ers.Agent.Ui.Desktop;
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
    private XvfbDisplay _x = null!;
    private AgentRig _rig = null!;
    private AgentUnderTest _agent = null!;

    public async Task InitializeAsync()
    {
        _ = pcscd;
        ProcessRunner.RequireFile(Pinentry, "pinentry-gtk2");
        _x = await XvfbDisplay.StartAsync();
        _rig = await AgentRig.AgainstStandInAsync([AgentRig.Provider], api => new AgentUnderTest(api, TimeSpan.FromSeconds(30),
            ui: lines => new DesktopAgentUi(lines, new PinentryClient(Pinentry, new Dictionary<string, string> { ["DISPLAY"] = _x.Display }))));
        _agent = _rig.Agent;
        _agent.Start();
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _x.DisposeAsync();
    }

    [Fact]
    public async Task Passcode_typed_into_the_desktop_dialog_logs_the_card_in()
    {
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", ecc: true)));
        await using var link = new VpcdCardLink(card, 0);
        var inserted = Stopwatch.StartNew();
        await link.InsertAsync();

        // First the agent asks (the card was seen and read), then its dialog shows: a miss names which step stalled.
        await _agent.WaitForAsync(n => n.State == JourneyState.AwaitingPin, "passcode asked");
        var window = await _x.WaitForWindowAsync("Ers smartcard", _agent.Running);
        var dialogVisible = inserted.Elapsed;
        await _x.RunAsync("/usr/bin/xdotool", "type", "--delay", "20", AgentUnderTest.Pin);
        var (code, output) = await _x.RunAsync("/usr/bin/xdotool", "key", "Return");
        Assert.True(code == 0 && window.Length > 0, output);
        var entered = Stopwatch.StartNew();

        var active = await _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Message.StartsWith("Active:", StringComparison.Ordinal), "active", TimeSpan.FromSeconds(60));
        var confirmed = entered.Elapsed;
        Assert.Equal("Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)", active.Message);
        Assert.False(card.PinVerified);
        Assert.Equal(1, card.PinPresentationCount);
        log.WriteLine($"insertion -> passcode dialog visible: {dialogVisible.TotalMilliseconds:F0} ms; Return in the dialog -> Active: {confirmed.TotalMilliseconds:F0} ms");
    }
}
