using System.Net;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 16, unblocking a card's PIN, over real TLS with two real workstation certificates: the agent at the RA's
/// workstation learns of the order from its insertion answer, and only its report counts; another workstation's
/// report is a problem with a stable code, audited, and changes nothing.
/// </summary>
public sealed class CardUnblockApiTests(AgentHost host) : IClassFixture<AgentHost>
{
    private const string Ws1 = "WS-TEST-0001";
    private const string Ws2 = "WS-TEST-0002";
    private const string RaUserId = "555294209120";
    private const string RaRoleProfileId = "555021935120";

    [Fact]
    public async Task The_ra_workstations_agent_is_told_of_the_order_and_its_success_report_unblocks_the_card()
    {
        using var ra = host.AgentClient(host.Workstation1);
        using var other = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var grain = host.Grains.GetGrain<ICardGrain>(card.CardId);
        Assert.False((await host.InsertAsync(ra, card)).UnblockAuthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await ra.PostAsJsonAsync(AgentApiRoutes.CardBlocked, new CardRemovedRequest(card.CardId))).StatusCode);

        Assert.True((await grain.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, Ws1)).IsSuccess);

        Assert.True((await host.InsertAsync(ra, card)).UnblockAuthorized);
        Assert.False((await host.InsertAsync(other, card)).UnblockAuthorized); // the order is not the other's
        var response = await ra.PostAsJsonAsync(AgentApiRoutes.CardUnblocked, new CardUnblockedRequest(card.CardId, CardUnblockOutcome.Unblocked));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var state = await grain.GetAsync();
        Assert.Equal((CardState.Inserted, Ws1, null), (state.State, state.WorkstationId, state.UnblockOrder));
        var record = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.CardUnblocked, AuditOutcome.Success, Ws1, card.CardId), (record.Event, record.Outcome, record.WorkstationId, record.CardId));
    }

    [Fact]
    public async Task A_report_from_a_workstation_without_the_order_is_refused_with_a_code_and_audited()
    {
        using var ra = host.AgentClient(host.Workstation1);
        using var other = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var grain = host.Grains.GetGrain<ICardGrain>(card.CardId);
        await host.InsertAsync(ra, card);
        await ra.PostAsJsonAsync(AgentApiRoutes.CardBlocked, new CardRemovedRequest(card.CardId));
        await grain.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, Ws1);
        await host.InsertAsync(other, card);
        var before = await grain.GetAsync();

        var response = await other.PostAsJsonAsync(AgentApiRoutes.CardUnblocked, new CardUnblockedRequest(card.CardId, CardUnblockOutcome.Unblocked));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(RefusalCodes.UnblockOtherWorkstation, await AgentApiLoginTests.ProblemCodeAsync(response));
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, RefusalCodes.UnblockOtherWorkstation, Ws2, card.CardId),
            (audit.Event, audit.Reason, audit.WorkstationId, audit.CardId));
        Assert.Equal(before, await grain.GetAsync());
    }

    [Fact]
    public async Task A_report_with_no_order_is_refused_and_an_unknown_outcome_is_malformed()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        await host.InsertAsync(client, card);
        await client.PostAsJsonAsync(AgentApiRoutes.CardBlocked, new CardRemovedRequest(card.CardId));

        var refused = await client.PostAsJsonAsync(AgentApiRoutes.CardUnblocked, new CardUnblockedRequest(card.CardId, CardUnblockOutcome.Unblocked));
        var malformed = await client.PostAsJsonAsync(AgentApiRoutes.CardUnblocked, new { cardId = card.CardId, outcome = 7 });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(RefusalCodes.UnblockNoOrder, await AgentApiLoginTests.ProblemCodeAsync(refused));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(ApiErrorCodes.RequestMalformed, await AgentApiLoginTests.ProblemCodeAsync(malformed));
        Assert.Equal(CardState.Blocked, (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).State);
    }
}
