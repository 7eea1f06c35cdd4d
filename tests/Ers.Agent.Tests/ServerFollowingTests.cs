using Ers.Agent.Journey;
using Ers.Cards;
using Ers.Sessions;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// The agent follows the server (issue 14): against the real Ers.Web and its grains, with the virtual card in the
/// real pcscd, the agent beats at the period the server names rather than its configured one, shows a session the
/// server ended with the server's reason, and logs in again with the card left in when asked to.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class ServerFollowingTests(PcscdFixture pcscd, ServerFollowingHost ers) : IClassFixture<ServerFollowingHost>, IAsyncLifetime
{
    private const string AmeliaHart = "555294209105";
    private static readonly TimeSpan Configured = TimeSpan.FromSeconds(1);
    private AgentRig _rig = null!;
    private RecordingAgentApi _api = null!;
    private AgentUnderTest _agent = null!;
    private AgentJourney _journey = null!;

    public async Task InitializeAsync()
    {
        _ = pcscd;
        _rig = await AgentRig.AgainstErsAsync(ers, http => new AgentUnderTest(_api = new RecordingAgentApi(http), Configured));
        _agent = _rig.Agent;
        _journey = _agent.Start();
    }

    public Task DisposeAsync() => _rig.DisposeAsync().AsTask();

    [Fact]
    public async Task The_agent_beats_at_the_servers_period_shows_the_servers_end_reason_and_logs_in_again_with_the_card_in()
    {
        var issued = ers.IssueCard(AmeliaHart, "Amelia Hart");
        await using var link = new VpcdCardLink(AgentRig.VirtualCardOf(issued), 0);
        await _agent.TypeAsync("123456");
        await link.InsertAsync();
        await _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Message.StartsWith(AgentMessages.ActivePrefix, StringComparison.Ordinal), "Active");
        var first = _api.LastSessionToken!;

        // The server's period (a third of its 6 s timeout), not the configured 1 s, once Ers has answered.
        await Eventually.TrueAsync(() => _api.Heartbeats.Count(h => h.Request.SessionTokens.Contains(first)) >= 3, "three heartbeats", TimeSpan.FromSeconds(30));
        Assert.Equal(ServerFollowingHost.HeartbeatTimeout / 3, _journey.HeartbeatPeriod);
        var beats = _api.Heartbeats.Where(h => h.Request.SessionTokens.Contains(first)).ToList();
        Assert.All(beats, b => Assert.Equal((ServerFollowingHost.HeartbeatTimeout, ServerFollowingHost.HeartbeatTimeout / 3),
            (b.Answer.HeartbeatTimeout, b.Answer.HeartbeatPeriod)));
        var gaps = beats.Zip(beats.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, g => Assert.InRange(g, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4)));

        // The clinician logs in somewhere else: the server ends this session, the agent is told in the next answer.
        var card = await ers.Grains.GetGrain<ICardGrain>(issued.CardId).GetAsync();
        await ers.Grains.GetGrain<ISessionGrain>(card.SessionId!).EndAsync(SessionEndReason.Superseded);
        var ended = await _agent.WaitForAsync(n => n.State == JourneyState.Ended, "session ended");
        Assert.Equal($"Your session has ended: you logged in somewhere else. {AgentJourney.LogInAgainHint}", ended.Message);
        Assert.Equal(NoticeLevel.Warning, ended.Level);
        Assert.False(_journey.HasSession);
        var endedAt = _api.Heartbeats.Count;
        await Task.Delay(_journey.HeartbeatPeriod * 2);
        Assert.DoesNotContain(_api.Heartbeats.Skip(endedAt), h => h.Request.SessionTokens.Contains(first));

        // The card stays in: the explicit action (the icon's "Log in again") starts the next login.
        await _agent.TypeAsync("123456");
        Assert.Equal([link.ReaderName], await _journey.LogInAgainAsync());
        await _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Message.StartsWith(AgentMessages.ActivePrefix, StringComparison.Ordinal), "Active again");
        var second = _api.LastSessionToken!;
        Assert.NotEqual(first, second);
        Assert.True(_journey.HasSession);
        var session = await ers.Grains.GetGrain<ISessionGrain>((await ers.Grains.GetGrain<ICardGrain>(issued.CardId).GetAsync()).SessionId!).GetAsync();
        Assert.Equal(SessionState.Active, session!.State);
        Assert.DoesNotContain(_agent.Seen, n => n.Message.StartsWith("Card removed", StringComparison.Ordinal));

        // The agent's own "Log out" ends it at Ers as a logout; the card still in, the next login is ready again.
        await _journey.LogOutAsync(CancellationToken.None);
        var loggedOut = await _agent.WaitForAsync(n => n.State == JourneyState.Ended, "logged out");
        Assert.Equal($"{AgentJourney.LoggedOut} {AgentJourney.LogInAgainHint}", loggedOut.Message);
        Assert.Equal([second], _api.LoggedOut);
        Assert.Equal((SessionState.Ended, SessionEndReason.Logout), await StateAsync(session.SessionId));

        await link.RemoveAsync();
        var removed = await _agent.WaitForAsync(n => n.Message.StartsWith("Card removed", StringComparison.Ordinal), "card removed");
        Assert.Equal(AgentMessages.CardRemoved, removed.Message);
    }

    private async Task<(SessionState, SessionEndReason?)> StateAsync(string sessionId)
    {
        var snapshot = await ers.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        return (snapshot!.State, snapshot.EndReason);
    }
}
