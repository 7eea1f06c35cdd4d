using System.Net;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defects 1 and 2, over real TLS with two real workstation certificates: a workstation that does not
/// hold a card cannot block it, report it removed, or end its session by showing its (public) certificate.
/// </summary>
public sealed class CardHolderApiTests(AgentHost host) : IClassFixture<AgentHost>
{
    private const string Ws1 = "WS-TEST-0001";
    private const string Ws2 = "WS-TEST-0002";

    [Theory]
    [InlineData(AgentApiRoutes.CardBlocked)]
    [InlineData(AgentApiRoutes.CardRemoved)]
    public async Task A_card_live_at_one_workstation_cannot_be_reported_by_another(string route)
    {
        using var holder = host.AgentClient(host.Workstation1);
        using var hostile = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(holder, card)).Response.StatusCode);
        var before = await StateAsync(card);

        var response = await hostile.PostAsJsonAsync(route, new CardRemovedRequest(card.CardId));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(RefusalCodes.CardInOtherWorkstation, await AgentApiLoginTests.ProblemCodeAsync(response));
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, RefusalCodes.CardInOtherWorkstation, Ws2, card.CardId),
            (audit.Event, audit.Reason, audit.WorkstationId, audit.CardId));
        Assert.Equal(before, await StateAsync(card));
        Assert.Equal(SessionState.AwaitingRole, (await host.Grains.GetGrain<ISessionGrain>(before.SessionId!).GetAsync())!.State);
        var records = await host.Audit.QueryAsync(new AuditQuery(CardId: card.CardId));
        Assert.DoesNotContain(records, r => r.Event is AuditEvent.CardBlocked or AuditEvent.CardRemoved);
    }

    [Fact]
    public async Task A_card_never_inserted_anywhere_cannot_be_marked_blocked()
    {
        using var client = host.AgentClient(host.Workstation1);
        var cardId = Guid.NewGuid().ToString("D");

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardBlocked, new CardRemovedRequest(cardId));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(RefusalCodes.CardNotInserted, await AgentApiLoginTests.ProblemCodeAsync(response));
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, RefusalCodes.CardNotInserted, Ws1, cardId), (audit.Event, audit.Reason, audit.WorkstationId, audit.CardId));
        var state = await host.Grains.GetGrain<ICardGrain>(cardId).GetAsync();
        Assert.Equal((CardState.Absent, null), (state.State, state.ChangedAt));
    }

    [Fact]
    public async Task The_holding_workstation_reports_its_card_removed_and_blocked_as_before()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(client, card)).Response.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync(AgentApiRoutes.CardBlocked, new CardRemovedRequest(card.CardId))).StatusCode);
        Assert.Equal(CardState.Blocked, (await StateAsync(card)).State);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync(AgentApiRoutes.CardRemoved, new CardRemovedRequest(card.CardId))).StatusCode);
        Assert.Null((await StateAsync(card)).WorkstationId);
    }

    [Fact]
    public async Task Showing_a_live_cards_certificate_at_another_workstation_does_not_end_its_session()
    {
        using var holder = host.AgentClient(host.Workstation1);
        using var hostile = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(holder, card)).Response.StatusCode);
        var before = await StateAsync(card);

        await host.InsertAsync(hostile, card); // only the certificate: anyone may have it

        var after = await StateAsync(card);
        Assert.Equal((before.State, before.WorkstationId, before.SessionId), (after.State, after.WorkstationId, after.SessionId));
        Assert.Equal(SessionState.AwaitingRole, (await host.Grains.GetGrain<ISessionGrain>(before.SessionId!).GetAsync())!.State);
    }

    [Fact]
    public async Task A_loop_of_certificate_only_insertions_elsewhere_does_not_stop_genuine_logins()
    {
        using var holder = host.AgentClient(host.Workstation1);
        using var hostile = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        for (var i = 0; i < 5; i++)
        {
            var challenge = await host.InsertAsync(holder, card);
            await host.InsertAsync(hostile, card);
            await host.InsertAsync(hostile, card);

            var response = await holder.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
                new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(holder, card, challenge)));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var state = await StateAsync(card);
            Assert.Equal((CardState.Authenticated, Ws1), (state.State, state.WorkstationId));
            await host.InsertAsync(hostile, card);
            Assert.Equal(SessionState.AwaitingRole, (await host.Grains.GetGrain<ISessionGrain>(state.SessionId!).GetAsync())!.State);
        }
    }

    [Fact]
    public async Task A_card_that_signs_at_a_new_workstation_moves_there_and_ends_the_old_session_then()
    {
        using var first = host.AgentClient(host.Workstation1);
        using var second = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(first, card)).Response.StatusCode);
        var old = (await StateAsync(card)).SessionId!;

        var (response, _) = await host.LoginAsync(second, card);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = await StateAsync(card);
        Assert.Equal((CardState.Authenticated, Ws2), (state.State, state.WorkstationId));
        Assert.NotEqual(old, state.SessionId);
        Assert.Equal(SessionState.Ended, (await host.Grains.GetGrain<ISessionGrain>(old).GetAsync())!.State);
    }

    private Task<CardSnapshot> StateAsync(TestCard card) => host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();
}
