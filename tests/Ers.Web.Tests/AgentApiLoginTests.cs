using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;
using Ers.Web.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Web.Tests;

/// <summary>The whole card login over real TLS with workstation client certificates: the paths that succeed.</summary>
public sealed class AgentApiLoginTests(AgentHost host) : IClassFixture<AgentHost>
{
    [Fact]
    public async Task An_rsa_card_of_a_single_role_user_logs_in_and_is_active_at_once()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209105", "Dr Amelia Hart");

        var (response, challenge) = await host.LoginAsync(client, card);

        Assert.Equal("RSA-PKCS1-SHA256", challenge.SignatureAlgorithm);
        Assert.Equal(LoginStatement.NonceSize, challenge.Nonce.Length);
        Assert.Null(challenge.Warning);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<SessionResponse>())!;
        Assert.Equal("Active", session.State);
        Assert.Equal("Dr Amelia Hart", session.UserName);
        Assert.Equal("555021935107", session.Role!.RoleProfileId);

        var snapshot = await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync();
        Assert.Equal(CardState.Authenticated, snapshot.State);
        Assert.Equal("WS-TEST-0001", snapshot.WorkstationId);
        var created = (await host.Audit.QueryAsync(new AuditQuery(SessionId: snapshot.SessionId))).First();
        Assert.Equal(AuditEvent.SessionCreated, created.Event);
        Assert.Equal("555294209105", created.UserId);
    }

    [Fact]
    public async Task A_p256_card_of_a_multi_role_user_chooses_a_role_and_gets_a_one_time_browser_ticket()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209106", "Dr Rahul Mehta", KeyAlgorithm.EcdsaP256);

        var (response, challenge) = await host.LoginAsync(client, card);
        Assert.Equal("ECDSA-P256-SHA256", challenge.SignatureAlgorithm);
        var session = (await response.Content.ReadFromJsonAsync<SessionResponse>())!;
        Assert.Equal("AwaitingRole", session.State);
        Assert.Equal(2, session.RoleProfiles.Count);

        var role = await client.PostAsJsonAsync(AgentApiRoutes.SelectRole, new SelectRoleRequest(session.SessionToken, "555021935109"));
        Assert.Equal(HttpStatusCode.OK, role.StatusCode);
        var active = (await role.Content.ReadFromJsonAsync<SessionResponse>())!;
        Assert.Equal("Active", active.State);
        Assert.Equal("555021935109", active.Role!.RoleProfileId);

        var ticketResponse = await client.PostAsJsonAsync(AgentApiRoutes.BrowserTicket, new SessionRequest(session.SessionToken));
        Assert.Equal(HttpStatusCode.OK, ticketResponse.StatusCode);
        var ticket = (await ticketResponse.Content.ReadFromJsonAsync<BrowserTicketResponse>())!;
        Assert.Equal("/login", ticket.LoginUrl.AbsolutePath);
        var token = Uri.UnescapeDataString(ticket.LoginUrl.Query["?ticket=".Length..]);
        var tickets = host.Services.GetRequiredService<BrowserTicketTokens>();
        Assert.True(tickets.TryUnprotect(token, out var claims, out _));

        var sessionGrain = host.Grains.GetGrain<ISessionGrain>(claims.SessionId);
        Assert.True((await sessionGrain.RedeemBrowserTicketAsync(claims.TicketId)).IsSuccess);
        var second = await sessionGrain.RedeemBrowserTicketAsync(claims.TicketId);
        Assert.Equal(RefusalCodes.TicketUsed, second.Refusal!.Code);
        Assert.Equal(RefusalCodes.TicketUsed, (await host.LastAuditAsync()).Reason);
    }

    [Fact]
    public async Task An_ecdsa_signature_in_ieee_p1363_form_is_accepted_too()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209107", "Sam Okafor", KeyAlgorithm.EcdsaP256);
        var challenge = await host.InsertAsync(client, card);
        using var key = card.Certificate.GetECDsaPrivateKey()!;
        var p1363 = key.SignData(host.Statement(client, card.CardId, challenge), System.Security.Cryptography.HashAlgorithmName.SHA256);

        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate, new CardAuthenticateRequest(challenge.ChallengeToken, p1363));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_certificate_expiring_within_30_days_logs_in_with_a_renewal_warning()
    {
        using var client = host.AgentClient(host.Workstation2);
        var now = host.Time.GetUtcNow();
        var card = host.IssueCard("555294209105", "Dr Amelia Hart", now.AddDays(-300), now.AddDays(20));

        var (response, challenge) = await host.LoginAsync(client, card);

        Assert.Equal(ApiErrorCodes.CertificateExpiresSoon, challenge.Warning!.Code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<SessionResponse>())!;
        Assert.Equal(ApiErrorCodes.CertificateExpiresSoon, session.Warning!.Code);
        Assert.Equal(card.Certificate.NotAfter.ToUniversalTime(), session.Warning.NotAfter.UtcDateTime);
    }

    [Fact]
    public async Task Heartbeat_then_logout_ends_the_session()
    {
        using var client = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209110", "Priya Natarajan");
        var session = (await (await host.LoginAsync(client, card)).Response.Content.ReadFromJsonAsync<SessionResponse>())!;

        var sessionGrain = host.Grains.GetGrain<ISessionGrain>((await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).SessionId!);
        host.Time.Advance(TimeSpan.FromSeconds(5));
        var heartbeat = await client.PostAsJsonAsync(AgentApiRoutes.Heartbeat, new HeartbeatRequest([session.SessionToken]));
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        Assert.Equal(host.Time.GetUtcNow(), (await sessionGrain.GetAsync())!.LastHeartbeatAt);

        var logout = await client.PostAsJsonAsync(AgentApiRoutes.Logout, new SessionRequest(session.SessionToken));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var sessionId = (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).SessionId;
        Assert.Null(sessionId);
        var ended = (await host.Audit.QueryAsync(new AuditQuery(CardId: card.CardId))).Last(r => r.Event == AuditEvent.SessionEnded);
        Assert.Equal("logout", ended.Reason);
    }

    [Fact]
    public async Task Removing_the_card_ends_its_session()
    {
        using var client = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209111", "Tomasz Kowalczyk");
        var session = (await (await host.LoginAsync(client, card)).Response.Content.ReadFromJsonAsync<SessionResponse>())!;
        var sessionId = (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).SessionId!;

        var removed = await client.PostAsJsonAsync(AgentApiRoutes.CardRemoved, new CardRemovedRequest(card.CardId));

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var snapshot = await host.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        Assert.Equal(SessionState.Ended, snapshot!.State);
        Assert.Equal(SessionEndReason.CardRemoved, snapshot.EndReason);
        var ticket = await client.PostAsJsonAsync(AgentApiRoutes.BrowserTicket, new SessionRequest(session.SessionToken));
        Assert.Equal(RefusalCodes.SessionEnded, await ProblemCodeAsync(ticket));
    }

    [Fact]
    public async Task Revoking_a_card_in_the_crl_ends_its_live_session_when_the_crl_is_refreshed()
    {
        using var client = host.AgentClient(host.Workstation1);
        var card = host.IssueCard("555294209108", "Dr Grace Lindqvist");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(client, card)).Response.StatusCode);
        var sessionId = (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).SessionId!;

        await host.RevokeAndRefreshAsync(card.SerialNumber);

        var session = await host.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        Assert.Equal(SessionState.Ended, session!.State);
        Assert.Equal(SessionEndReason.Revoked, session.EndReason);
        Assert.Equal(CardState.Revoked, (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).State);
    }

    [Fact]
    public async Task The_background_refresh_picks_up_a_new_crl_after_the_refresh_interval_and_ends_the_session()
    {
        using var client = host.AgentClient(host.Workstation2);
        var card = host.IssueCard("555294209107", "Sam Okafor");
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync(client, card)).Response.StatusCode);
        var sessionId = (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).SessionId!;
        host.Pki.Revoke(card.SerialNumber);
        host.Pki.WriteCrls(TimeSpan.FromDays(7));

        host.Time.Advance(TimeSpan.FromMinutes(5));

        // The refresh runs on the service's own loop: wait for its effect, with a deadline.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await host.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync())!.State != SessionState.Ended)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.Equal(CardState.Revoked, (await host.Grains.GetGrain<ICardGrain>(card.CardId).GetAsync()).State);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_agent_routes()
    {
        using var client = host.AgentClient(host.Workstation1);
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var route in new[] { AgentApiRoutes.CardInserted, AgentApiRoutes.CardAuthenticate, AgentApiRoutes.SelectRole,
                     AgentApiRoutes.Heartbeat, AgentApiRoutes.CardRemoved, AgentApiRoutes.CardBlocked, AgentApiRoutes.CardUnblocked,
                     AgentApiRoutes.Logout, AgentApiRoutes.BrowserTicket })
        {
            Assert.True(paths.TryGetProperty(route, out _), route);
        }
    }

    internal static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("code").GetString();
    }
}
