using System.Collections.Concurrent;
using System.Diagnostics;
using Ers.Agent.Api;
using Ers.Api;

namespace Ers.Agent.Tests;

/// <summary>The real agents' API client, with the heartbeats' times and answers and the latest session token recorded.</summary>
internal sealed class RecordingAgentApi(IAgentApi inner) : IAgentApi
{
    public ConcurrentQueue<(TimeSpan At, HeartbeatRequest Request, HeartbeatResponse Answer)> Heartbeats { get; } = new();

    public ConcurrentQueue<string> LoggedOut { get; } = new();

    public string? LastSessionToken { get; private set; }

    public string ServerOrigin => inner.ServerOrigin;

    public string WorkstationId => inner.WorkstationId;

    public Task<CardInsertedResponse> CardInsertedAsync(CardInsertedRequest request, CancellationToken cancellationToken) =>
        inner.CardInsertedAsync(request, cancellationToken);

    public async Task<SessionResponse> AuthenticateAsync(CardAuthenticateRequest request, CancellationToken cancellationToken) =>
        Remember(await inner.AuthenticateAsync(request, cancellationToken));

    public async Task<SessionResponse> SelectRoleAsync(SelectRoleRequest request, CancellationToken cancellationToken) =>
        Remember(await inner.SelectRoleAsync(request, cancellationToken));

    public Task<BrowserTicketResponse> BrowserTicketAsync(SessionRequest request, CancellationToken cancellationToken) =>
        inner.BrowserTicketAsync(request, cancellationToken);

    public Task CardRemovedAsync(CardRemovedRequest request, CancellationToken cancellationToken) =>
        inner.CardRemovedAsync(request, cancellationToken);

    public Task CardBlockedAsync(CardRemovedRequest request, CancellationToken cancellationToken) =>
        inner.CardBlockedAsync(request, cancellationToken);

    public Task CardUnblockedAsync(CardUnblockedRequest request, CancellationToken cancellationToken) =>
        inner.CardUnblockedAsync(request, cancellationToken);

    public async Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var answer = await inner.HeartbeatAsync(request, cancellationToken);
        Heartbeats.Enqueue((Stopwatch.GetElapsedTime(0), request, answer));
        return answer;
    }

    public async Task LogoutAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        await inner.LogoutAsync(request, cancellationToken);
        LoggedOut.Enqueue(request.SessionToken);
    }

    private SessionResponse Remember(SessionResponse session)
    {
        LastSessionToken = session.SessionToken;
        return session;
    }
}
