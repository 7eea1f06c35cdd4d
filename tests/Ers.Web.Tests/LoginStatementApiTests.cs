using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Testing.Hosts;
using Ers.Web.Apis;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 7, over real TLS: the server checks the card's signature over the login statement it rebuilds
/// from its own configured origin, the workstation of the client certificate, and the card and challenge id its
/// token binds. A signature by the genuine card over anything else is refused, audited, and changes nothing (the
/// same challenge answered right afterwards still logs in); an agent from before login statements gets no challenge.
/// </summary>
public sealed class LoginStatementApiTests(AgentHost host) : IClassFixture<AgentHost>
{
    private const string Ws1 = "WS-TEST-0001";

    [Fact]
    public void The_server_names_the_origin_its_agents_connect_to()
    {
        Assert.Equal(LoginStatement.Origin(host.AgentUrl), host.Services.GetRequiredService<AgentApiOrigin>().Value);
        Assert.StartsWith("https://127.0.0.1:", host.Services.GetRequiredService<AgentApiOrigin>().Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("the raw nonce")]
    [InlineData("another origin")]
    [InlineData("another port")]
    [InlineData("another workstation")]
    [InlineData("another card")]
    [InlineData("another challenge id")]
    [InlineData("another nonce")]
    public async Task A_signature_by_the_card_over_another_statement_is_refused_audited_and_changes_nothing(string variant)
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client, card);
        var origin = LoginStatement.Origin(host.AgentUrl);
        byte[] otherNonce = [.. challenge.Nonce];
        otherNonce[0] ^= 0xFF;
        var signed = variant switch
        {
            "the raw nonce" => challenge.Nonce,
            "another origin" => LoginStatement.Build("https://ers.elsewhere.example", Ws1, card.CardId, challenge.ChallengeId, challenge.Nonce),
            "another port" => LoginStatement.Build(origin[..origin.LastIndexOf(':')] + ":1", Ws1, card.CardId, challenge.ChallengeId, challenge.Nonce),
            "another workstation" => LoginStatement.Build(origin, "WS-TEST-0002", card.CardId, challenge.ChallengeId, challenge.Nonce),
            "another card" => LoginStatement.Build(origin, Ws1, Guid.NewGuid().ToString("D"), challenge.ChallengeId, challenge.Nonce),
            "another challenge id" => LoginStatement.Build(origin, Ws1, card.CardId, new string('0', 32), challenge.Nonce),
            "another nonce" => LoginStatement.Build(origin, Ws1, card.CardId, challenge.ChallengeId, otherNonce),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
        var before = await StateAsync(card);
        var activations = await host.ErsActivationsAsync();

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, card.Sign(signed)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ApiErrorCodes.SignatureInvalid, await AgentApiLoginTests.ProblemCodeAsync(response));
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, AuditOutcome.Failure, ApiErrorCodes.SignatureInvalid, Ws1, card.CardId, "555294209106"),
            (audit.Event, audit.Outcome, audit.Reason, audit.WorkstationId, audit.CardId, audit.UserId));
        Assert.Equal(before, await StateAsync(card));
        Assert.Equal(activations, await host.ErsActivationsAsync());

        // Nothing was spent: the genuine statement of the same challenge still logs in.
        var genuine = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client, card, challenge)));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task A_statement_signed_at_another_workstation_does_not_log_in_there_either()
    {
        // A challenge issued to WS1, its statement genuinely signed for WS1, sent from WS2: refused by the token's
        // workstation binding before the signature is even checked.
        using var client1 = host.AgentClient(host.Workstation1);
        using var client2 = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client1, card);

        var response = await client2.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client1, card, challenge)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ApiErrorCodes.ChallengeOtherWorkstation, await AgentApiLoginTests.ProblemCodeAsync(response));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Ers-Login-v0")]
    [InlineData("ers-login-v1")]
    [InlineData("")]
    public async Task An_agent_that_does_not_sign_login_statements_gets_no_challenge(string? protocol)
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");
        var activations = await host.ErsActivationsAsync();
        // The body an agent from before login statements sends: no loginProtocol at all (or another one).
        var body = $"{{\"cardId\":\"{card.CardId}\",\"certificate\":\"{Convert.ToBase64String(card.CertificateDer)}\""
            + (protocol is null ? "" : $",\"loginProtocol\":\"{protocol}\"") + "}";

        var response = await client.PostAsync(AgentApiRoutes.CardInserted, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ApiErrorCodes.AgentOutdated, await AgentApiLoginTests.ProblemCodeAsync(response));
        Assert.DoesNotContain("challengeToken", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, ApiErrorCodes.AgentOutdated, Ws1, card.CardId), (audit.Event, audit.Reason, audit.WorkstationId, audit.CardId));
        Assert.Equal(activations, await host.ErsActivationsAsync()); // no card grain was woken
    }

    [Fact]
    public async Task The_challenge_is_an_id_and_a_32_byte_nonce_and_the_agents_statement_logs_in()
    {
        using var client = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209107", "Sam Okafor", Ers.Tools.Pki.KeyAlgorithm.EcdsaP256);

        var (response, challenge) = await host.LoginAsync(client, card);

        Assert.Equal(LoginStatement.NonceSize, challenge.Nonce.Length);
        Assert.Matches("^[0-9A-F]{32}$", challenge.ChallengeId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<CardSnapshot> StateAsync(TestCard card) => host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();
}
