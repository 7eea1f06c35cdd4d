using System.Collections.Concurrent;
using System.Diagnostics;
using Ers.Agent.Api;
using Ers.Api;

namespace Ers.Testing.EndToEnd;

/// <summary>The real <see cref="IAgentApi"/>, with every call's duration recorded (for the benchmark's breakdown).</summary>
public sealed class TimedAgentApi(IAgentApi inner) : IAgentApi
{
    public ConcurrentQueue<TimedCall> Calls { get; } = new();

    public string ServerOrigin => inner.ServerOrigin;

    public string WorkstationId => inner.WorkstationId;

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

    public Task CardUnblockedAsync(CardUnblockedRequest request, CancellationToken cancellationToken) =>
        TimeAsync("unblocked", async () => { await inner.CardUnblockedAsync(request, cancellationToken); return true; });

    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        TimeAsync("heartbeat", () => inner.HeartbeatAsync(request, cancellationToken));

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
