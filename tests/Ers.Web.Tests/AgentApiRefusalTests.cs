using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;

namespace Ers.Web.Tests;

/// <summary>
/// Every refusal of the agent API, over real TLS: each checks the status and stable code, the audit record, and
/// that nothing changed (no grain activated, or the card's state as it was).
/// </summary>
public sealed class AgentApiRefusalTests(AgentHost host) : IClassFixture<AgentHost>
{
    private const string Ws1 = "WS-TEST-0001";

    [Fact]
    public async Task The_activation_count_these_tests_rely_on_sees_a_new_card_grain()
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();

        await host.InsertAsync(client, host.IssueCard("555294209105", "Dr Amelia Hart"));

        Assert.Equal(before + 1, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_request_malformed_and_reaches_no_grain()
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();

        var response = await client.PostAsync(AgentApiRoutes.CardInserted, new StringContent("{\"cardId\": \"x\", \"certificate\": [", Encoding.UTF8, "application/json"));

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, ApiErrorCodes.RequestMalformed, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task A_request_without_the_required_fields_is_malformed()
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();

        var response = await client.PostAsync(AgentApiRoutes.CardInserted, new StringContent("{\"cardId\": \"abc\"}", Encoding.UTF8, "application/json"));

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, ApiErrorCodes.RequestMalformed, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_request_too_large()
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();
        var huge = new CardInsertedRequest(Guid.NewGuid().ToString(), RandomNumberGenerator.GetBytes(70 * 1024));

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardInserted, huge);

        await AssertRefusedAsync(response, HttpStatusCode.RequestEntityTooLarge, ApiErrorCodes.RequestTooLarge, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task A_card_from_another_ca_is_untrusted()
    {
        var now = host.Time.GetUtcNow();
        var card = TestCard.Issue(host.ForeignCardCa, "555294209105", "Dr Amelia Hart", KeyAlgorithm.Rsa2048, now.AddMinutes(-5), now.AddDays(30));
        await AssertInsertRefusedAsync(card, ApiErrorCodes.CertificateUntrusted);
    }

    [Fact]
    public async Task An_expired_card_certificate_is_refused()
    {
        var now = host.Time.GetUtcNow();
        await AssertInsertRefusedAsync(host.IssueCard("555294209105", "Dr Amelia Hart", now.AddDays(-400), now.AddDays(-1)),
            ApiErrorCodes.CertificateExpired);
    }

    [Fact]
    public async Task A_card_certificate_not_yet_valid_is_refused()
    {
        var now = host.Time.GetUtcNow();
        await AssertInsertRefusedAsync(host.IssueCard("555294209105", "Dr Amelia Hart", now.AddDays(1), now.AddDays(400)),
            ApiErrorCodes.CertificateNotYetValid);
    }

    [Fact]
    public async Task A_revoked_card_certificate_is_refused()
    {
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");
        await host.RevokeAndRefreshAsync(card.SerialNumber);
        await AssertInsertRefusedAsync(card, ApiErrorCodes.CertificateRevoked);
    }

    [Fact]
    public async Task A_card_certificate_without_digital_signature_key_usage_is_refused()
    {
        var now = host.Time.GetUtcNow();
        await AssertInsertRefusedAsync(
            host.IssueCard("555294209105", "Dr Amelia Hart", now.AddMinutes(-5), now.AddDays(30), keyUsage: X509KeyUsageFlags.KeyEncipherment),
            ApiErrorCodes.CertificateKeyUsage);
    }

    [Fact]
    public async Task A_certificate_naming_another_card_is_refused()
    {
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");
        await AssertInsertRefusedAsync(new TestCard(Guid.NewGuid().ToString("D"), card.Certificate), ApiErrorCodes.CertificateCardMismatch);
    }

    [Fact]
    public async Task A_certificate_without_a_user_uuid_is_refused()
    {
        var now = host.Time.GetUtcNow();
        using var key = TestKeys.Rsa();
        var cardId = Guid.NewGuid();
        var certificate = host.Pki.SmartcardIssuing.Issue(new X500DistinguishedName("CN=No Uuid"), key, now.AddMinutes(-5), now.AddDays(30),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid], CertificateAuthority.CardSubjectAlternativeName(cardId));
        await AssertInsertRefusedAsync(new TestCard(cardId.ToString("D"), certificate), ApiErrorCodes.CertificateNoUserId);
    }

    [Fact]
    public async Task A_signature_by_another_key_is_refused_and_starts_no_session()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client, card);
        using var other = RSA.Create(2048);
        var before = await StateAsync(card);

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate, new CardAuthenticateRequest(
            challenge.ChallengeToken, other.SignData(host.Statement(client, card.CardId, challenge), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.SignatureInvalid, Ws1, card.CardId, "555294209106");
        Assert.Equal(before, await StateAsync(card));
    }

    [Fact]
    public async Task A_challenge_answered_by_another_card_is_refused()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var otherCard = host.IssueCard("555294209107", "Sam Okafor");
        var challenge = await host.InsertAsync(client, card);
        await host.InsertAsync(client, otherCard);
        var before = await StateAsync(card);

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, otherCard.Sign(host.Statement(client, card.CardId, challenge))));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.SignatureInvalid, Ws1, card.CardId);
        Assert.Equal(before, await StateAsync(card));
    }

    [Fact]
    public async Task A_replayed_challenge_is_refused_and_the_first_session_stays()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");
        var challenge = await host.InsertAsync(client, card);
        var answer = new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client, card, challenge));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate, answer)).StatusCode);
        await host.WaitForLoginSettledAsync(card);
        var before = await StateAsync(card);
        var activations = await host.ErsActivationsAsync();

        var replay = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate, answer);

        await AssertRefusedAsync(replay, HttpStatusCode.Conflict, ApiErrorCodes.ChallengeUsed, Ws1, card.CardId);
        Assert.Equal(before, await StateAsync(card));
        Assert.Equal(activations, await host.ErsActivationsAsync());
        Assert.Equal(SessionState.Active, (await host.Grains.GetGrain<ISessionGrain>(before.SessionId!).GetAsync())!.State);
    }

    [Fact]
    public async Task An_expired_challenge_is_refused()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client, card);
        var before = await StateAsync(card);
        host.Time.Advance(TimeSpan.FromSeconds(61));

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client, card, challenge)));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.ChallengeExpired, Ws1, card.CardId);
        Assert.Equal(before, await StateAsync(card));
    }

    [Fact]
    public async Task A_challenge_answered_from_another_workstation_is_refused()
    {
        using var client1 = host.AgentClient(host.Workstation1);
        using var client2 = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client1, card);
        var before = await StateAsync(card);

        var response = await client2.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client2, card, challenge)));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, ApiErrorCodes.ChallengeOtherWorkstation, "WS-TEST-0002", card.CardId);
        Assert.Equal(before, await StateAsync(card));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AQIDBA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_forged_challenge_token_is_refused_before_any_grain(string token)
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate, new CardAuthenticateRequest(token, [1, 2, 3]));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.ChallengeInvalid, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task A_tampered_challenge_token_is_refused_before_any_grain()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var challenge = await host.InsertAsync(client, card);
        var before = await host.ErsActivationsAsync();
        var tampered = (challenge.ChallengeToken[0] == 'A' ? "B" : "A") + challenge.ChallengeToken[1..];

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(tampered, host.Sign(client, card, challenge)));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.ChallengeInvalid, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Theory]
    [InlineData(AgentApiRoutes.SelectRole)]
    [InlineData(AgentApiRoutes.BrowserTicket)]
    [InlineData(AgentApiRoutes.Logout)]
    [InlineData(AgentApiRoutes.Heartbeat)]
    public async Task A_forged_session_token_is_refused_before_any_grain(string route)
    {
        using var client = host.AgentClient(host.Workstation1);
        var forged = "eyJzZXNzaW9uIjoiMTIzIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        object body = route switch
        {
            AgentApiRoutes.SelectRole => new SelectRoleRequest(forged, "555021935107"),
            AgentApiRoutes.Heartbeat => new HeartbeatRequest([forged]),
            _ => new SessionRequest(forged),
        };
        var before = await host.ErsActivationsAsync();

        var response = await client.PostAsJsonAsync(route, body);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.SessionTokenInvalid, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task A_session_token_presented_by_another_workstation_is_refused()
    {
        using var client1 = host.AgentClient(host.Workstation1);
        using var client2 = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var session = (await (await host.LoginAsync(client1, card)).Response.Content.ReadFromJsonAsync<SessionResponse>())!;
        var before = await StateAsync(card);

        var response = await client2.PostAsJsonAsync(AgentApiRoutes.SelectRole, new SelectRoleRequest(session.SessionToken, "555021935108"));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ApiErrorCodes.SessionTokenInvalid, "WS-TEST-0002");
        Assert.Equal(before, await StateAsync(card));
        Assert.Equal(SessionState.AwaitingRole, (await host.Grains.GetGrain<ISessionGrain>(before.SessionId!).GetAsync())!.State);
    }

    [Fact]
    public async Task A_role_profile_the_user_does_not_hold_is_refused()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta");
        var session = (await (await host.LoginAsync(client, card)).Response.Content.ReadFromJsonAsync<SessionResponse>())!;
        var sessionId = (await StateAsync(card)).SessionId!;

        var response = await client.PostAsJsonAsync(AgentApiRoutes.SelectRole, new SelectRoleRequest(session.SessionToken, "555021935107"));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, RefusalCodes.RoleNotHeld, Ws1, card.CardId, "555294209106", sessionId);
        var snapshot = (await host.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync())!;
        Assert.Equal(SessionState.AwaitingRole, snapshot.State);
        Assert.Null(snapshot.Role);
    }

    [Fact]
    public async Task A_business_function_the_role_does_not_grant_is_refused()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209110", "Priya Natarajan");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(client, card)).Response.StatusCode);
        var sessionId = (await StateAsync(card)).SessionId!;
        var session = host.Grains.GetGrain<ISessionGrain>(sessionId);
        var before = (await session.GetAsync())!.BusinessFunctions;

        var refused = await session.SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, BusinessFunction.ServiceProviderClinician);

        Assert.Equal(RefusalCodes.BusinessFunctionNotGranted, refused.Refusal!.Code);
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, RefusalCodes.BusinessFunctionNotGranted, sessionId), (audit.Event, audit.Reason, audit.SessionId));
        Assert.Equal(before, (await session.GetAsync())!.BusinessFunctions);
    }

    [Fact]
    public async Task A_user_the_directory_does_not_know_gets_no_session()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("999999999999", "Nobody Known");

        var (response, _) = await host.LoginAsync(client, card);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, RefusalCodes.UserUnknown, Ws1, card.CardId, "999999999999");
        Assert.Null((await StateAsync(card)).SessionId);
    }

    [Fact]
    public async Task A_user_without_role_profiles_gets_no_session()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209109", "Jordan Ellis");

        var (response, _) = await host.LoginAsync(client, card);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, RefusalCodes.UserHasNoRoleProfiles, Ws1, card.CardId, "555294209109");
        Assert.Null((await StateAsync(card)).SessionId);
    }

    [Fact]
    public async Task A_malformed_card_id_on_removal_reaches_no_grain()
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardRemoved, new CardRemovedRequest("../../etc/passwd"));

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, ApiErrorCodes.RequestMalformed, Ws1);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    private async Task AssertInsertRefusedAsync(TestCard card, string code)
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, code, Ws1, card.CardId);
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    private Task<CardSnapshot> StateAsync(TestCard card) => host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? workstationId,
        string? cardId = null, string? userId = null, string? sessionId = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await AgentApiLoginTests.ProblemCodeAsync(response));
        var audit = await host.LastAuditAsync();
        Assert.Equal(AuditEvent.Refused, audit.Event);
        Assert.Equal(AuditOutcome.Failure, audit.Outcome);
        Assert.Equal(code, audit.Reason);
        Assert.Equal(workstationId, audit.WorkstationId);
        if (cardId is not null)
        {
            Assert.Equal(cardId, audit.CardId);
        }

        if (userId is not null)
        {
            Assert.Equal(userId, audit.UserId);
        }

        if (sessionId is not null)
        {
            Assert.Equal(sessionId, audit.SessionId);
        }
    }
}
