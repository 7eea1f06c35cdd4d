using System.Security.Cryptography;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Silos;
using Ers.Tools.Pki;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Web.Tests.Oidc;

/// <summary>
/// Ers.Web on real Kestrel TLS with the OpenID Connect provider on: its store in a SQLite file, the PKI's signing
/// key plus a second one (a rotation in progress: the new key published, the first still signing), and one public
/// client. Card sessions are made through the grains, as the agents' API makes them.
/// </summary>
public sealed class OidcHost : IAsyncLifetime
{
    public const string ClientId = "sample-rp";
    public const string RedirectUri = "https://rp.example.test/signin-oidc";
    public const string BackChannelLogoutUri = "https://rp.example.test/backchannel-logout";

    /// <summary>Dr Rahul Mehta in samples/directory.json: two role profiles.</summary>
    public const string UserId = "555294209106";
    public const string RoleProfileId = "555021935108";

    private ErsWebFactory? _factory;

    public ErsWebFactory Factory => _factory!;

    public Uri BaseAddress { get; private set; } = null!;

    public string ServerCaPath => DevPki.CertificatePath(Factory.PkiDirectory, DevPki.ServerCaName);

    public string SigningKeyPath => Path.Combine(Factory.PkiDirectory, DevPki.OidcSigningKeyFile);

    public string NextSigningKeyPath => Path.Combine(Factory.DataDirectory, "oidc-signing-next.key.pem");

    public IAuditTrail Audit => Factory.Services.GetRequiredService<IAuditTrail>();

    public async Task InitializeAsync()
    {
        var factory = _factory = new ErsWebFactory("ers-oidc-tests")
        {
            Configure = settings =>
            {
                using (var next = TestKeys.Rsa())
                {
                    File.WriteAllText(NextSigningKeyPath, next.ExportPkcs8PrivateKeyPem());
                }

                settings.BrowserHttps(_factory!.PkiDirectory)
                    .WithoutAgentApi()
                    .Oidc(_factory.PkiDirectory, _factory.DataDirectory)
                    .Set("Ers:Oidc:SigningKeyFiles:1", NextSigningKeyPath)
                    .Set("Ers:Sessions:MaxSessionsPerUser", "50")
                    .Set("Ers:Oidc:Clients:0:ClientId", ClientId)
                    .Set("Ers:Oidc:Clients:0:RedirectUris:0", RedirectUri)
                    .Set("Ers:Oidc:Clients:0:BackChannelLogoutUri", BackChannelLogoutUri)
                    .Set("Ers:Oidc:Clients:0:Scopes:0", "profile")
                    .Set("Ers:Oidc:Clients:0:Scopes:1", "nationalrbacaccess")
                    .Set("Ers:Oidc:Clients:0:Scopes:2", "selectedrole")
                    .Set("Ers:Oidc:Clients:0:Scopes:3", "offline_access");
            },
        };
        factory.StartKestrel();
        BaseAddress = factory.AddressOf("https");
        await factory.WaitForUserAsync(UserId);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>A browser of its own (its own cookies) that trusts the test server CA.</summary>
    public OidcBrowser NewBrowser() => new(this);

    /// <summary>What the agent does for a user whose card just proved itself: insert, start the session, choose the role.</summary>
    public async Task<(ICardGrain Card, string WorkstationId, string SessionId)> StartSessionAsync()
    {
        var started = await LoginDriver.StartSessionAsync(Factory.Grains, UserId, RoleProfileId);
        return (started.Card, started.WorkstationId, started.SessionId);
    }

    /// <summary>The login link the agent would open for the session (the agents' API's token format).</summary>
    public async Task<string> LoginLinkAsync(string sessionId)
    {
        var ticket = await Factory.Grains.GetGrain<ISessionGrain>(sessionId).IssueBrowserTicketAsync();
        Assert.True(ticket.IsSuccess, ticket.Refusal?.Message);
        var token = Factory.Services.GetRequiredService<Ers.Web.Security.BrowserTicketTokens>().Protect(sessionId, ticket.Value!.TicketId, ticket.Value.ExpiresAt);
        return "/login?ticket=" + Uri.EscapeDataString(token);
    }

    /// <summary>Waits for the audit record of a refusal with this reason (prefix).</summary>
    public Task<AuditRecord> RefusalAsync(string reasonPrefix, DateTimeOffset since) =>
        Eventually.ValueAsync(
            async () => (await Audit.QueryAsync(new AuditQuery(From: since))).FirstOrDefault(r =>
                r.Event == AuditEvent.Refused && r.Reason?.StartsWith(reasonPrefix, StringComparison.Ordinal) == true),
            $"a refusal audited as {reasonPrefix}",
            TimeSpan.FromSeconds(30));

    /// <summary>A PKCE pair (RFC 7636, S256).</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))));
    }
}
