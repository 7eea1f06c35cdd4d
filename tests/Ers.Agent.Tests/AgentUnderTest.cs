using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Agent.PcSc;
using Ers.Agent.Ui;

namespace Ers.Agent.Tests;

/// <summary>
/// The whole agent as its host wires it, for the tests that run its journey end to end: the real PC/SC readers, the
/// line UI fed through a pipe as in <c>--non-interactive</c> mode (or a UI built around it: the desktop dialog, the
/// status icon), and every notice it shows, in order. Disposing stops the journey and checks that the passcode never
/// reached the output.
/// </summary>
internal sealed class AgentUnderTest : IAsyncDisposable
{
    /// <summary>The passcode the tests' cards accept; it must never appear in what the agent prints.</summary>
    public const string Pin = "123456";

    private readonly Pipe _input = new();
    private readonly StringWriter _output;
    private readonly Channel<AgentNotice> _notices = Channel.CreateUnbounded<AgentNotice>();
    private readonly IAgentApi _api;
    private readonly IAgentUi _ui;
    private readonly TimeSpan _heartbeat;
    private readonly TimeProvider _time;
    private readonly IBrowserLauncher? _browser;
    private readonly bool _rolesInBrowser;
    private readonly List<AgentNotice> _seen = [];

    /// <param name="api">The API the agent talks to (the real Ers.Web, or the Kestrel stand-in).</param>
    /// <param name="heartbeat">The agent's configured heartbeat period.</param>
    /// <param name="time">The agent's clock; the system clock unless told.</param>
    /// <param name="browser">Where login links open; none unless told.</param>
    /// <param name="rolesInBrowser">Roles are chosen on the role page rather than in the agent.</param>
    /// <param name="ui">The UI around the line UI (the desktop dialog, the icon); the line UI itself unless told.</param>
    public AgentUnderTest(IAgentApi api, TimeSpan heartbeat, TimeProvider? time = null, IBrowserLauncher? browser = null,
        bool rolesInBrowser = false, Func<LineAgentUi, IAgentUi>? ui = null)
    {
        _api = api;
        _heartbeat = heartbeat;
        _time = time ?? TimeProvider.System;
        _browser = browser;
        _rolesInBrowser = rolesInBrowser;
        // Written by the journey's reader tasks and read by the test: synchronized.
        _output = new StringWriter();
        Lines = new LineAgentUi(new StreamReader(_input.Reader.AsStream()), TextWriter.Synchronized(_output));
        Lines.Shown += n => _notices.Writer.TryWrite(n);
        _ui = ui?.Invoke(Lines) ?? Lines;
    }

    public PcScCardReaderService Readers { get; } = new(TimeProvider.System);

    public LineAgentUi Lines { get; }

    /// <summary>Cancelled to stop the journey (the icon's Quit cancels it too).</summary>
    public CancellationTokenSource Stop { get; } = new();

    /// <summary>The running journey, once <see cref="Start"/> was called.</summary>
    public AgentJourney? Journey { get; private set; }

    /// <summary>The journey's task: it ends only when stopped, or with the fault that ended it.</summary>
    public Task Running { get; private set; } = Task.CompletedTask;

    /// <summary>The notices <see cref="WaitForAsync"/> has read so far, in the order shown.</summary>
    public IReadOnlyList<AgentNotice> Seen => _seen;

    /// <summary>All the agent printed so far.</summary>
    public string Output => _output.ToString();

    /// <summary>Builds the journey (its options may differ per test) and starts it.</summary>
    public AgentJourney Start(Uri? browserOrigin = null)
    {
        Journey = new AgentJourney(Readers, _api, _ui, _browser, _heartbeat, _time, browserOrigin, _rolesInBrowser);
        Running = Task.Run(() => Journey.RunAsync(Stop.Token));
        return Journey;
    }

    /// <summary>Types one line (a passcode, a role number) into the line UI.</summary>
    public async Task TypeAsync(string line)
    {
        await _input.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        await _input.Writer.FlushAsync();
    }

    /// <summary>The next notice that matches; the ones before it are kept in <see cref="Seen"/>.</summary>
    public Task<AgentNotice> WaitForAsync(Func<AgentNotice, bool> match, string what, TimeSpan? timeout = null) =>
        Eventually.MatchAsync(_notices.Reader, match, $"notice '{what}'", timeout ?? TimeSpan.FromSeconds(30), _seen.Add,
            () => $"Output:\n{Output}\nAgent: {Running.Status} {Running.Exception}");

    /// <summary>
    /// The first matching notice among those already read, else the next one that matches. Two readers' journeys
    /// interleave: waiting for one reader's notice can read past the other's, which must still count as shown.
    /// </summary>
    public Task<AgentNotice> ShownAsync(Func<AgentNotice, bool> match, string what) =>
        _seen.FirstOrDefault(match) is { } shown ? Task.FromResult(shown) : WaitForAsync(match, what);

    public async ValueTask DisposeAsync()
    {
        await Stop.CancelAsync();
        await Running;
        await _input.Writer.CompleteAsync();
        Lines.Dispose();
        (_ui as IDisposable)?.Dispose();
        Stop.Dispose();
        Assert.DoesNotContain(Pin, Output, StringComparison.Ordinal);
    }
}
