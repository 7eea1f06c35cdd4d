using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ers.Api;
using Ers.Cards;
using Ers.Staff;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// An Ers.Web whose audit store (PostgreSQL) cannot be reached: nothing may happen unaudited, so the agent API
/// answers 503 with a stable code and changes nothing, rather than failing with a 500.
/// </summary>
public sealed class AuditStoreDownHost : AgentHost
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Ers:Audit:Store", "Postgres"),
        // Port 1 on loopback: nothing listens, so every append fails at once, as with a database that is down.
        new("ConnectionStrings:Audit", "Host=127.0.0.1;Port=1;Username=ers;Database=ers;Timeout=2"),
        new("Ers:Directory:SeedFile", ""),
    ];

    protected override async Task WaitForDirectoryAsync() =>
        // A directory import is audited too; put the one user the test needs straight into its grain.
        await Grains.GetGrain<IUserGrain>("555294209105").ImportAsync(new StaffUser("555294209105", "Dr Amelia Hart",
            [new RoleProfile("555021935107", "E82665", "Riverside Surgery", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1101"])]));
}

public sealed class StoreUnavailableTests(AuditStoreDownHost host) : IClassFixture<AuditStoreDownHost>
{
    [Fact]
    public async Task A_card_cannot_be_used_while_the_audit_trail_is_down_and_the_answer_is_a_clear_503()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.Certificate.RawData));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiErrorCodes.StoreUnavailable, problem.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("Exception", problem.RootElement.GetRawText(), StringComparison.Ordinal);
        var snapshot = await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();
        Assert.Equal(CardState.Absent, snapshot.State);
    }
}
