using System.Net;
using System.Security.Cryptography;
using Ers.Audit;
using Ers.Grains.Tests.Grains;
using Ers.Sessions;
using Ers.SingleSignOn;
using Ers.Staff;
using Ers.Testing.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ers.Grains.Tests.SingleSignOn;

/// <summary>
/// A session that signed into applications tells each, by a real HTTP POST, when it ends: its own silo on the real
/// clock (retries are timed), with the provider's signing key in a file as the silo is given it.
/// </summary>
public sealed class BackChannelLogoutGrainTests : IAsyncLifetime
{
    private readonly RSA _key = RSA.Create(2048);
    private OwnSilo _silo = null!;

    private IClusterClient Client => _silo.Client;

    public async Task InitializeAsync()
    {
        var directory = OwnSilo.NewDirectory("bcl");
        var keyFile = Path.Combine(directory, "oidc-signing.key.pem");
        await File.WriteAllTextAsync(keyFile, _key.ExportPkcs8PrivateKeyPem());
        _silo = await OwnSilo.StartAsync(directory, new Dictionary<string, string?>
        {
            ["Ers:Oidc:SigningKeyFiles:0"] = keyFile,
            ["Ers:Oidc:BackChannelLogout:FirstRetryDelay"] = "00:00:00.200",
            ["Ers:Oidc:BackChannelLogout:MaxRetryDelay"] = "00:00:00.400",
            ["Ers:Oidc:BackChannelLogout:GiveUpAfter"] = "00:00:30",
            ["Ers:Oidc:BackChannelLogout:RequestTimeout"] = "00:00:02",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task Pulling_the_card_posts_one_signed_logout_token_to_each_application_with_a_logout_URI()
    {
        await using var rp = new LogoutReceiver();
        await using var other = new LogoutReceiver();
        rp.Start();
        other.Start();
        var journey = await NewJourneyAsync();
        var sessionId = await journey.LoginOkAsync();
        var session = journey.Session(sessionId);
        Assert.True(await session.ApplicationSignedInAsync(new SignedInApplication("rp", rp.Uri, "sid-rp", "https://ers.example/")));
        Assert.True(await session.ApplicationSignedInAsync(new SignedInApplication("other", other.Uri, "sid-rp", "https://ers.example/")));
        Assert.True(await session.ApplicationSignedInAsync(new SignedInApplication("no-logout", null, "sid-rp", "https://ers.example/")));
        Assert.True(await session.ApplicationSignedInAsync(new SignedInApplication("rp", rp.Uri, "sid-rp", "https://ers.example/")));

        // The 2-second promise is measured end to end (tests/Ers.Browser.Tests/SampleRpTests.cs); here, that it arrives.
        await journey.Card.RemovedAsync(journey.WorkstationId);
        var token = await rp.NextAsync(TimeSpan.FromSeconds(10));
        await other.NextAsync(TimeSpan.FromSeconds(10));

        var jwt = await ValidAsync(token, "rp");
        Assert.Equal((journey.User.UserId, "sid-rp"), (jwt.Subject, jwt.GetClaim("sid").Value));
        // A receiver has the token before the silo has its 200 back and written down.
        var deliveries = await DeliveredAsync(sessionId, 2);
        Assert.Equal(["rp", "other"], deliveries.Select(d => d.ClientId));
        Assert.All(deliveries, d => Assert.Equal((LogoutDeliveryState.Delivered, 1), (d.State, d.Attempts)));
        var records = await RecordsAsync(sessionId, AuditEvent.BackChannelLogoutDelivered, 2);
        Assert.Equal(["other attempts=1", "rp attempts=1"], records.Select(r => r.Reason).Order());
        Assert.All(records, r => Assert.Equal(journey.User.UserId, r.UserId));
        // Once each: ending the ended session again, or a repeated order, sends nothing more.
        await session.EndAsync(SessionEndReason.Logout);
        await Client.GetGrain<IBackChannelLogoutGrain>(sessionId).DeliverAsync(new BackChannelLogoutOrder(journey.User.UserId, [new SignedInApplication("rp", rp.Uri, "sid-rp", "https://ers.example/")], SessionEndReason.Logout, DateTimeOffset.UtcNow));
        Assert.Single(rp.Received);
        Assert.Single(other.Received);
    }

    [Fact]
    public async Task An_application_that_is_down_is_tried_again_and_told_once_it_is_back()
    {
        await using var rp = new LogoutReceiver();
        var journey = await NewJourneyAsync();
        var sessionId = await journey.LoginOkAsync();
        Assert.True(await journey.Session(sessionId).ApplicationSignedInAsync(new SignedInApplication("rp", rp.Uri, "sid-down", "https://ers.example/")));

        await journey.Session(sessionId).EndAsync(SessionEndReason.Logout);
        var logout = Client.GetGrain<IBackChannelLogoutGrain>(sessionId);
        await Eventually.TrueAsync(async () => (await logout.GetDeliveriesAsync()) is [{ State: LogoutDeliveryState.Pending, Attempts: >= 2 }], "two failed attempts");
        rp.Start();
        var token = await rp.NextAsync(TimeSpan.FromSeconds(10));

        var jwt = await ValidAsync(token, "rp");
        Assert.Equal("sid-down", jwt.GetClaim("sid").Value);
        var delivered = Assert.Single(await DeliveredAsync(sessionId, 1));
        Assert.True(delivered.Attempts >= 3);
        // Every attempt carried the jti planned for this delivery: the one that got through has it.
        Assert.Equal(delivered.TokenId, jwt.Id);
        var record = Assert.Single(await RecordsAsync(sessionId, AuditEvent.BackChannelLogoutDelivered, 1));
        Assert.Equal($"rp attempts={delivered.Attempts}", record.Reason);
    }

    [Fact]
    public async Task An_application_that_refuses_the_token_is_not_asked_again_and_the_failure_is_audited()
    {
        await using var rp = new LogoutReceiver { Status = HttpStatusCode.BadRequest };
        rp.Start();
        var journey = await NewJourneyAsync();
        var sessionId = await journey.LoginOkAsync();
        Assert.True(await journey.Session(sessionId).ApplicationSignedInAsync(new SignedInApplication("rp", rp.Uri, "sid-400", "https://ers.example/")));

        await journey.Session(sessionId).EndAsync(SessionEndReason.IdleTimeout);

        var record = Assert.Single(await RecordsAsync(sessionId, AuditEvent.BackChannelLogoutFailed, 1));
        Assert.Equal((AuditOutcome.Failure, "rp attempts=1: HTTP 400"), (record.Outcome, record.Reason));
        Assert.Single(rp.Received);
        await Eventually.TrueAsync(async () => (await Client.GetGrain<IBackChannelLogoutGrain>(sessionId).GetDeliveriesAsync()) is [{ State: LogoutDeliveryState.GaveUp }],
            "the delivery given up");
    }

    [Fact]
    public async Task An_ended_session_records_no_application_and_a_session_without_any_makes_no_delivery()
    {
        var journey = await NewJourneyAsync();
        var sessionId = await journey.LoginOkAsync();
        await journey.Session(sessionId).EndAsync(SessionEndReason.Logout);

        Assert.False(await journey.Session(sessionId).ApplicationSignedInAsync(new SignedInApplication("rp", "http://127.0.0.1:9/", "s", "https://ers.example/")));
        Assert.Empty(await Client.GetGrain<IBackChannelLogoutGrain>(sessionId).GetDeliveriesAsync());
    }

    private async Task<Journey> NewJourneyAsync()
    {
        var user = new StaffUser(Ids.NewDigits(12), "Dr Logout", [Ids.Profile("E82665", "B1101")]);
        await Client.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        return new Journey(Client, user);
    }

    private async Task<System.Collections.Immutable.ImmutableArray<LogoutDelivery>> DeliveredAsync(string sessionId, int count)
    {
        var logout = Client.GetGrain<IBackChannelLogoutGrain>(sessionId);
        await Eventually.TrueAsync(async () => (await logout.GetDeliveriesAsync()).Count(d => d.State == LogoutDeliveryState.Delivered) == count,
            $"{count} deliveries written down");
        return await logout.GetDeliveriesAsync();
    }

    private async Task<JsonWebToken> ValidAsync(string token, string audience)
    {
        var key = new RsaSecurityKey(RSA.Create(_key.ExportParameters(false)));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://ers.example/",
            ValidAudience = audience,
            IssuerSigningKey = key,
            ValidTypes = ["logout+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private async Task<IReadOnlyList<AuditRecord>> RecordsAsync(string sessionId, AuditEvent kind, int count)
    {
        IReadOnlyList<AuditRecord> records = [];
        await Eventually.TrueAsync(async () =>
        {
            records = [.. (await _silo.Audit.QueryAsync(new AuditQuery(SessionId: sessionId))).Where(r => r.Event == kind)];
            return records.Count >= count;
        }, $"{count} {kind} records");
        return records;
    }
}
