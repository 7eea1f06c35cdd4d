using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ers.Api;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// The heartbeat answer tells the agent the server's heartbeat rule (so the agent follows the server instead of a
/// copy of its setting) and whether each session it holds has ended, and why.
/// </summary>
public sealed class HeartbeatAnswerTests(AgentHost host) : IClassFixture<AgentHost>
{
    [Fact]
    public async Task A_heartbeat_is_answered_with_the_servers_timeout_and_period_and_each_session_active()
    {
        using var client = host.AgentClient(host.Workstation1);
        var session = await LogInAsync(client, "555294209105", "Dr Amelia Hart");

        var answer = await HeartbeatAsync(client, session.SessionToken);

        // AgentHost runs the sessions with a one-hour heartbeat timeout; the agent is to send every third of it.
        Assert.Equal(TimeSpan.FromHours(1), answer.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromMinutes(20), answer.HeartbeatPeriod);
        var status = Assert.Single(answer.Sessions);
        Assert.True(status.Active);
        Assert.Null(status.EndReason);
        Assert.Null(status.Message);
    }

    [Fact]
    public async Task A_heartbeat_for_a_session_the_server_ended_says_so_and_why_and_does_not_revive_it()
    {
        using var client = host.AgentClient(host.Workstation2);
        var session = await LogInAsync(client, "555294209110", "Priya Natarajan");
        var sessionId = (await host.Grains.GetGrain<ICardGrain>(session.CardId).GetAsync()).SessionId!;
        await host.Grains.GetGrain<ISessionGrain>(sessionId).EndAsync(SessionEndReason.Superseded);
        host.Time.Advance(TimeSpan.FromSeconds(5));

        var answer = await HeartbeatAsync(client, session.SessionToken);

        var status = Assert.Single(answer.Sessions);
        Assert.False(status.Active);
        Assert.Equal("superseded", status.EndReason);
        Assert.Equal("Your session has ended: you logged in somewhere else.", status.Message);
        var snapshot = await host.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        Assert.Equal(SessionState.Ended, snapshot!.State);
        Assert.NotEqual(host.Time.GetUtcNow(), snapshot.LastHeartbeatAt);
    }

    [Fact]
    public async Task The_answer_is_json_with_the_documented_names()
    {
        using var client = host.AgentClient(host.Workstation1);

        using var response = await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("01:00:00", json.RootElement.GetProperty("heartbeatTimeout").GetString());
        Assert.Equal("00:20:00", json.RootElement.GetProperty("heartbeatPeriod").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("sessions").GetArrayLength());
    }

    private async Task<(string SessionToken, string CardId)> LogInAsync(HttpClient client, string userId, string name)
    {
        var card = host.IssueCard(userId, name);
        var (response, _) = await host.LoginAsync(client, card);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<SessionResponse>())!;
        return (session.SessionToken, card.CardId);
    }

    private static async Task<HeartbeatResponse> HeartbeatAsync(HttpClient client, string sessionToken)
    {
        using var response = await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([sessionToken]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HeartbeatResponse>(JsonSerializerOptions.Web))!;
    }
}
