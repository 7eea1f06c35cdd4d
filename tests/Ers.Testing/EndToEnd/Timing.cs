using System.Collections.Concurrent;
using System.Diagnostics;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Api;

namespace Ers.Testing.EndToEnd;

/// <summary>One timed call: what, when it started and how long it took (Stopwatch timestamps).</summary>
public sealed record TimedCall(string Name, long Started, TimeSpan Elapsed);

/// <summary>The real <see cref="IAgentApi"/>, with every call's duration recorded (for the benchmark's breakdown).</summary>
public sealed class TimedAgentApi(IAgentApi inner) : IAgentApi
{
    public ConcurrentQueue<TimedCall> Calls { get; } = new();

    public Task<CardInsertedResponse> CardInsertedAsync(CardInsertedRequest request, CancellationToken cancellationToken) =>
        TimeAsync("inserted", () => inner.CardInsertedAsync(request, cancellationToken));

    public Task<SessionResponse> AuthenticateAsync(CardAuthenticateRequest request, CancellationToken cancellationToken) =>
        TimeAsync("authenticate", () => inner.AuthenticateAsync(request, cancellationToken));

    public Task<SessionResponse> SelectRoleAsync(SelectRoleRequest request, CancellationToken cancellationToken) =>
        TimeAsync("role", () => inner.SelectRoleAsync(request, cancellationToken));

    public Task<BrowserTicketResponse> BrowserTicketAsync(SessionRequest request, CancellationToken cancellationToken) =>
        TimeAsync("ticket", () => inner.BrowserTicketAsync(request, cancellationToken));

    public Task CardRemovedAsync(CardRemovedRequest request, CancellationToken cancellationToken) =>
        TimeAsync("removed", async () => { await inner.CardRemovedAsync(request, cancellationToken); return true; });

    public Task CardBlockedAsync(CardRemovedRequest request, CancellationToken cancellationToken) =>
        TimeAsync("blocked", async () => { await inner.CardBlockedAsync(request, cancellationToken); return true; });

    public Task HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        TimeAsync("heartbeat", async () => { await inner.HeartbeatAsync(request, cancellationToken); return true; });

    public Task LogoutAsync(SessionRequest request, CancellationToken cancellationToken) =>
        TimeAsync("logout", async () => { await inner.LogoutAsync(request, cancellationToken); return true; });

    private async Task<T> TimeAsync<T>(string name, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            Calls.Enqueue(new TimedCall(name, started, Stopwatch.GetElapsedTime(started)));
        }
    }
}

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

/// <summary>One card-to-homepage run, broken down (milliseconds).</summary>
public sealed record LoginTiming(
    double Total,
    double PcscEvent,
    double CardApdus,
    double ServerCalls,
    double BrowserToHomepage,
    double UserPrompts,
    IReadOnlyDictionary<string, double> ServerCallsByName);
