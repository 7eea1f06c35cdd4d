using System.Net;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Web.Apis;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Web.Tests;

/// <summary>
/// The origin a login statement must name is the configured one (<c>Ers:AgentApi:PublicOrigin</c>), not the address
/// the request came in on nor its <c>Host</c> header: what a proxy in front of the agents' API needs, and what stops
/// a statement signed for another system from being relayed here.
/// </summary>
public sealed class PublicOriginTests(PublicOriginHost host) : IClassFixture<PublicOriginHost>
{
    private const string Ws1 = "WS-TEST-0001";

    [Fact]
    public void The_configured_origin_is_normalised() =>
        Assert.Equal(PublicOriginHost.Origin, host.Services.GetRequiredService<AgentApiOrigin>().Value);

    [Fact]
    public async Task A_statement_naming_the_listeners_own_address_is_refused_and_one_naming_the_public_origin_logs_in()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client, card);

        // What an agent configured with the listener's address (not the public one) signs: refused.
        var direct = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client, card, challenge)));
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        Assert.Equal(ApiErrorCodes.SignatureInvalid, await AgentApiLoginTests.ProblemCodeAsync(direct));

        // A Host header naming the public origin changes nothing about what is checked.
        using var spoofed = new HttpRequestMessage(HttpMethod.Post, AgentApiRoutes.CardAuthenticate)
        {
            Content = JsonContent.Create(new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client, card, challenge))),
        };
        spoofed.Headers.Host = "ers.example.org";
        var withHost = await client.SendAsync(spoofed);
        Assert.Equal(HttpStatusCode.Unauthorized, withHost.StatusCode);

        var statement = LoginStatement.Build(PublicOriginHost.Origin, Ws1, card.CardId, challenge.ChallengeId, challenge.Nonce);
        var genuine = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, card.Sign(statement)));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }
}
