using System.Collections.Concurrent;
using System.Diagnostics;
using Ers.Agent.Journey;
using Ers.Api;

namespace Ers.Testing.EndToEnd;

/// <summary>
/// The agent's UI (the real <c>LineAgentUi</c>), with the time spent waiting for the user's answers recorded, so a
/// measurement can leave the user's typing out.
/// </summary>
public sealed class TimedAgentUi(IAgentUi inner) : IAgentUi
{
    public ConcurrentQueue<TimedCall> Prompts { get; } = new();

    public event Action<AgentNotice>? Shown;

    public void Show(AgentNotice notice)
    {
        inner.Show(notice);
        Shown?.Invoke(notice);
    }

    public async Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.AskPinAsync(reader, triesLeft, cancellationToken);
        }
        finally
        {
            Prompts.Enqueue(new TimedCall("pin", started, Stopwatch.GetElapsedTime(started)));
        }
    }

    public async Task<char[]> AskUnblockSecretAsync(string reader, UnblockSecret secret, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.AskUnblockSecretAsync(reader, secret, cancellationToken);
        }
        finally
        {
            Prompts.Enqueue(new TimedCall("unblock", started, Stopwatch.GetElapsedTime(started)));
        }
    }

    public async Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.ChooseRoleAsync(reader, userName, roles, cancellationToken);
        }
        finally
        {
            Prompts.Enqueue(new TimedCall("role-choice", started, Stopwatch.GetElapsedTime(started)));
        }
    }
}
