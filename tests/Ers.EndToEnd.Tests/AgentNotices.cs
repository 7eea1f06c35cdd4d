using System.Threading.Channels;
using Ers.Agent.Journey;

namespace Ers.EndToEnd.Tests;

/// <summary>
/// What the shared stack's agent shows during one test, from construction to disposal: the notices in the order shown,
/// and a wait for the next one that matches. A login URL an earlier test left unread is dropped first: it would be
/// mistaken for one this test caused.
/// </summary>
internal sealed class AgentNotices : IDisposable
{
    private readonly EndToEndStack _stack;
    private readonly TimeSpan _timeout;
    private readonly Channel<AgentNotice> _notices = Channel.CreateUnbounded<AgentNotice>();

    /// <param name="stack">The shared stack whose agent UI is watched.</param>
    /// <param name="timeout">How long <see cref="WaitForAsync"/> waits.</param>
    public AgentNotices(EndToEndStack stack, TimeSpan timeout)
    {
        _stack = stack;
        _timeout = timeout;
        stack.Ui.Shown += OnShown;
        while (stack.OpenedUrls.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>The notices read so far (by <see cref="WaitForAsync"/> and <see cref="Drain"/>), in the order shown.</summary>
    public List<AgentNotice> Seen { get; } = [];

    /// <summary>Reads every notice shown so far into <see cref="Seen"/>; answers those it read.</summary>
    public List<AgentNotice> Drain()
    {
        var drained = new List<AgentNotice>();
        while (_notices.Reader.TryRead(out var notice))
        {
            drained.Add(notice);
        }

        Seen.AddRange(drained);
        return drained;
    }

    /// <summary>The next notice that matches; the ones before it are kept in <see cref="Seen"/>.</summary>
    public Task<AgentNotice> WaitForAsync(Func<AgentNotice, bool> match, string what) =>
        Eventually.MatchAsync(_notices.Reader, match, $"agent notice '{what}'", _timeout, Seen.Add,
            () => $"Agent output:\n{_stack.AgentOutputText}");

    public void Dispose() => _stack.Ui.Shown -= OnShown;

    private void OnShown(AgentNotice notice) => _notices.Writer.TryWrite(notice);
}
