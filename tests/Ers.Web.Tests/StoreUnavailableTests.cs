using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ers.Api;
using Ers.Cards;

namespace Ers.Web.Tests;

public sealed class StoreUnavailableTests(AuditStoreDownHost host) : IClassFixture<AuditStoreDownHost>
{
    [Fact]
    public async Task A_card_cannot_be_used_while_the_audit_trail_is_down_and_the_answer_is_a_clear_503()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.Certificate.RawData, LoginStatement.Protocol));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiErrorCodes.StoreUnavailable, problem.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("Exception", problem.RootElement.GetRawText(), StringComparison.Ordinal);
        var snapshot = await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();
        Assert.Equal(CardState.Absent, snapshot.State);
    }
}
