using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Ers.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ers.Agent.Tests;

/// <summary>
/// A small stand-in for Ers's agents' API on real Kestrel with real mutual TLS, just enough to drive the agent's
/// HTTP client and journey: it checks the card's signature over the login statement for real (its own origin, the
/// CN of the client certificate, the card id reported). It also stands in for a compromised server: the hooks below
/// answer challenges and login links of hostile shapes. The end-to-end test against Ers itself lives with Ers.Web.
/// </summary>
internal sealed class FakeErs : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (byte[] Statement, X509Certificate2 Certificate)> _challenges = new();
    private readonly Channel<string> _calls = Channel.CreateUnbounded<string>();

    private int _insertions;

    private FakeErs(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RoleProfileDto> Roles { get; set; } = [];

    /// <summary>When set, cards/inserted answers this problem code (403).</summary>
    public string? RefuseInsertionWith { get; set; }

    /// <summary>When set, every challenge expires at this time (the agent then asks again before signing).</summary>
    public DateTimeOffset? ChallengeExpiresAt { get; set; }

    /// <summary>When set, rewrites every challenge before it is sent (a hostile server's shapes).</summary>
    public Func<CardInsertedResponse, CardInsertedResponse>? ShapeChallenge { get; set; }

    /// <summary>When set, the login link sessions/ticket answers (a hostile server's); else one on this server.</summary>
    public Uri? LoginUrl { get; set; }

    /// <summary>Awaited inside cards/inserted with the call's number (1 for the first), before it answers.</summary>
    public Func<int, Task>? OnCardInserted { get; set; }

    /// <summary>The path of every call, in order.</summary>
    public ConcurrentQueue<string> Routes { get; } = new();

    public ConcurrentQueue<string> RemovedCards { get; } = new();

    public ConcurrentQueue<string> BlockedCards { get; } = new();

    public ConcurrentQueue<HeartbeatRequest> Heartbeats { get; } = new();

    /// <summary>The role heartbeats name for every session (as after a choice on the browser's role page); null before.</summary>
    public RoleProfileDto? RoleChosenInBrowser { get; set; }

    public ConcurrentQueue<string?> ClientCertificates { get; } = new();

    /// <summary>The W3C <c>traceparent</c> header of each call (null when the agent sent none).</summary>
    public ConcurrentQueue<string?> TraceParents { get; } = new();

    public static async Task<FakeErs> StartAsync(TestPki pki)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = pki.Server;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(pki.Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        })));
        var app = builder.Build();
        var fake = new FakeErs(app);
        fake.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return fake;
    }

    /// <summary>Waits for the next call to <paramref name="route"/> (calls to other routes are skipped).</summary>
    public async Task WaitForCallAsync(string route)
    {
        using var timeout = new CancellationTokenSource(EventProbe.Timeout);
        while (await _calls.Reader.ReadAsync(timeout.Token) != route)
        {
        }
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            ClientCertificates.Enqueue(context.Connection.ClientCertificate?.Subject);
            Routes.Enqueue(context.Request.Path);
            TraceParents.Enqueue(context.Request.Headers.TraceParent.ToString() is { Length: > 0 } traceParent ? traceParent : null);
            await next(context);
            _calls.Writer.TryWrite(context.Request.Path);
        });
        app.MapPost(AgentApiRoutes.CardInserted, async (CardInsertedRequest request, HttpContext context) =>
        {
            if (OnCardInserted is { } hook)
            {
                await hook(Interlocked.Increment(ref _insertions));
            }
            if (RefuseInsertionWith is { } code)
            {
                return Results.Problem(statusCode: 403, title: "Refused", extensions: new Dictionary<string, object?> { ["code"] = code });
            }
            var certificate = X509CertificateLoader.LoadCertificate(request.Certificate);
            var token = Guid.NewGuid().ToString("N");
            var challengeId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var nonce = RandomNumberGenerator.GetBytes(LoginStatement.NonceSize);
            var workstation = context.Connection.ClientCertificate!.GetNameInfo(X509NameType.SimpleName, false);
            _challenges[token] = (LoginStatement.Build(LoginStatement.Origin(BaseAddress), workstation, request.CardId, challengeId, nonce), certificate);
            var algorithm = certificate.GetRSAPublicKey() is null ? "ES256" : "RS256";
            var challenge = new CardInsertedResponse(token, challengeId, nonce, ChallengeExpiresAt ?? DateTimeOffset.UtcNow.AddMinutes(2), algorithm, null);
            return Results.Ok(ShapeChallenge is { } shape ? shape(challenge) : challenge);
        });
        app.MapPost(AgentApiRoutes.CardAuthenticate, (CardAuthenticateRequest request) =>
        {
            if (!_challenges.TryRemove(request.ChallengeToken, out var issued))
            {
                return Problem(ApiErrorCodes.ChallengeInvalid);
            }
            var rsa = issued.Certificate.GetRSAPublicKey();
            var valid = rsa is not null
                ? rsa.VerifyData(issued.Statement, request.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : issued.Certificate.GetECDsaPublicKey()!.VerifyData(issued.Statement, request.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            return valid
                ? Results.Ok(new SessionResponse("session-" + Guid.NewGuid().ToString("N"), "AwaitingRole", "Dr Ada Test", Roles, null, null))
                : Problem(ApiErrorCodes.SignatureInvalid);
        });
        app.MapPost(AgentApiRoutes.SelectRole, (SelectRoleRequest request) =>
        {
            var role = Roles.FirstOrDefault(r => r.RoleProfileId == request.RoleProfileId);
            return role is null
                ? Problem(ApiErrorCodes.RequestMalformed)
                : Results.Ok(new SessionResponse(request.SessionToken, "Active", "Dr Ada Test", Roles, role, null));
        });
        app.MapPost(AgentApiRoutes.BrowserTicket, (SessionRequest request) =>
            Results.Ok(new BrowserTicketResponse(LoginUrl ?? new Uri(BaseAddress, "/login?ticket=" + request.SessionToken), DateTimeOffset.UtcNow.AddMinutes(1))));
        app.MapPost(AgentApiRoutes.CardRemoved, (CardRemovedRequest request) =>
        {
            RemovedCards.Enqueue(request.CardId);
            return Results.NoContent();
        });
        app.MapPost(AgentApiRoutes.CardBlocked, (CardRemovedRequest request) =>
        {
            BlockedCards.Enqueue(request.CardId);
            return Results.NoContent();
        });
        app.MapPost(AgentApiRoutes.Heartbeat, (HeartbeatRequest request) =>
        {
            Heartbeats.Enqueue(request);
            return Results.Ok(new HeartbeatResponse(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10),
                [.. request.SessionTokens.Select(_ => new HeartbeatSessionStatus(true, null, null, RoleChosenInBrowser))]));
        });
    }

    private static IResult Problem(string code) =>
        Results.Problem(statusCode: 401, title: code, extensions: new Dictionary<string, object?> { ["code"] = code });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
