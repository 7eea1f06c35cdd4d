using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Testing.Hosts;
using Ers.Testing.Pki;

namespace Ers.Cluster.Tests.MultiNode;

/// <summary>
/// A workstation's agent as the agents' API sees it, through an ingress of several web nodes: its client certificate,
/// a card's login (insert, signature), the browser ticket, logout, and heartbeats every <c>period</c> for the sessions
/// it holds, each call tried on the next node when one is down (as a load balancer would).
/// </summary>
internal sealed class Workstation : IAsyncDisposable
{
    private readonly HttpClient[] _nodes;
    private readonly string _workstationId;
    private readonly List<string> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeats = Task.CompletedTask;

    public Workstation(IReadOnlyList<Uri> agentUrls, X509Certificate2 certificate, X509Certificate2 serverCa)
    {
        _workstationId = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        _nodes = [.. agentUrls.Select(u =>
        {
            var client = AgentHttpClient.Create(u, certificate, serverCa);
            client.Timeout = TimeSpan.FromSeconds(10);
            return client;
        })];
    }

    /// <summary>Heartbeats that reached a node and were answered.</summary>
    public int HeartbeatsAnswered { get; private set; }

    /// <summary>503s answered (and tried again after a moment, as an agent tells its user to), per call.</summary>
    public List<string> Unavailable { get; } = [];

    /// <summary>Inserts the card at node <paramref name="node"/> and signs its challenge; returns the session.</summary>
    public async Task<SessionResponse> LogInAsync(TestCard card, int node = 0)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var inserted = await _nodes[node].PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol));
            if (await IsUnavailableAsync(inserted, "inserted", attempt))
            {
                continue;
            }

            Assert.True(inserted.IsSuccessStatusCode, await inserted.Content.ReadAsStringAsync());
            var challenge = (await inserted.Content.ReadFromJsonAsync<CardInsertedResponse>())!;
            using var authenticated = await _nodes[node].PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
                new CardAuthenticateRequest(challenge.ChallengeToken, card.SignStatement(_nodes[node].BaseAddress!, _workstationId, challenge)));
            if (await IsUnavailableAsync(authenticated, "authenticate", attempt))
            {
                continue;
            }

            Assert.True(authenticated.IsSuccessStatusCode, await authenticated.Content.ReadAsStringAsync());
            return (await authenticated.Content.ReadFromJsonAsync<SessionResponse>())!;
        }
    }

    /// <summary>A one-time login link from node <paramref name="node"/>, pointing at that node's pages.</summary>
    public async Task<Uri> LoginLinkAsync(SessionResponse session, int node = 0)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _nodes[node].PostAsJsonAsync(AgentApiRoutes.BrowserTicket, new SessionRequest(session.SessionToken));
            if (!await IsUnavailableAsync(response, "ticket", attempt))
            {
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                return (await response.Content.ReadFromJsonAsync<BrowserTicketResponse>())!.LoginUrl;
            }
        }
    }

    public async Task LogOutAsync(SessionResponse session, int node = 0)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _nodes[node].PostAsJsonAsync(AgentApiRoutes.Logout, new SessionRequest(session.SessionToken));
            if (!await IsUnavailableAsync(response, "logout", attempt))
            {
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                return;
            }
        }
    }

    /// <summary>The card is pulled from the reader: the agent tells node <paramref name="node"/>.</summary>
    public async Task RemoveCardAsync(TestCard card, int node = 0)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _nodes[node].PostAsJsonAsync(AgentApiRoutes.CardRemoved, new CardRemovedRequest(card.CardId));
            if (!await IsUnavailableAsync(response, "removed", attempt))
            {
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                return;
            }
        }
    }

    /// <summary>
    /// A 503 <c>service.store-unavailable</c> is an answer Ers promises when the cluster cannot answer in time (a
    /// cold cluster's first login on a loaded machine can take longer than a web node's 2 s per call): the agent tries
    /// again after a moment, a few times.
    /// </summary>
    private async Task<bool> IsUnavailableAsync(HttpResponseMessage response, string call, int attempt)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt >= 5)
        {
            return false;
        }

        Assert.Contains(ApiErrorCodes.StoreUnavailable, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Unavailable.Add(call);
        await Task.Delay(TimeSpan.FromSeconds(1));
        return true;
    }

    /// <summary>Starts heartbeating <paramref name="session"/> from now on.</summary>
    public void Hold(SessionResponse session)
    {
        lock (_held)
        {
            _held.Add(session.SessionToken);
        }

        if (_heartbeats.IsCompleted)
        {
            _heartbeats = Task.Run(BeatAsync);
        }
    }

    /// <summary>The agent is gone (a power cut): no more heartbeats.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _heartbeats;
    }

    private async Task BeatAsync()
    {
        // A third of the server's heartbeat timeout, as the server tells agents (HeartbeatResponse.HeartbeatPeriod);
        // the test's timeout is 6 s.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var next = 0;
        do
        {
            string[] tokens;
            lock (_held)
            {
                tokens = [.. _held];
            }

            for (var tried = 0; tried < _nodes.Length; tried++)
            {
                try
                {
                    using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    cancel.CancelAfter(TimeSpan.FromSeconds(3));
                    using var response = await _nodes[next].PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest(tokens), cancel.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        HeartbeatsAnswered++;
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // This node is down or stopping: the next one.
                }

                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                next = (next + 1) % _nodes.Length;
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }
}
