using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Web.Security;
using Ers.Web.Security.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ers.Web.Apis;

/// <summary>Who an audit record of a refusal names, as far as the API knows at that point.</summary>
internal sealed record AuditSubject(string? WorkstationId = null, string? CardId = null, string? UserId = null, string? SessionId = null);

/// <summary>
/// What the agent API's handlers use, bound per request (<c>[AsParameters]</c>; every one a singleton), and the
/// refusals they share: audited through the silos, counted, rate-limited.
/// </summary>
internal sealed class AgentApiServices(
    IGrainFactory grains,
    IServiceProvider serviceProvider,
    EdgeAudit audit,
    CardCertificateValidator validator,
    CardChallenges challenges,
    SessionTokens sessionTokens,
    BrowserTicketTokens ticketTokens,
    CardRevocations revocations,
    CardAuthenticationOptions cardOptions,
    AgentApiOptions options,
    AgentApiOrigin origin,
    ILogger<AgentApiServices> logger,
    Ers.Grains.Telemetry.ErsMetrics metrics,
    AgentRateLimiter limiter,
    EdgeRefusals edge)
{
    public IGrainFactory Grains { get; } = grains;

    public CardCertificateValidator Validator { get; } = validator;

    public CardChallenges Challenges { get; } = challenges;

    public SessionTokens SessionTokens { get; } = sessionTokens;

    public BrowserTicketTokens TicketTokens { get; } = ticketTokens;

    public CardRevocations Revocations { get; } = revocations;

    public CardAuthenticationOptions CardOptions { get; } = cardOptions;

    public AgentApiOptions Options { get; } = options;

    public AgentApiOrigin Origin { get; } = origin;

    public Ers.Grains.Telemetry.ErsMetrics Metrics { get; } = metrics;

    public IServiceProvider ServiceProvider { get; } = serviceProvider;

    public EdgeAudit Audit { get; } = audit;

    public ILogger<AgentApiServices> Logger { get; } = logger;

    public AgentRateLimiter Limiter { get; } = limiter;

    public EdgeRefusals Edge { get; } = edge;

    // The silos' rule, for an answer that names no session: the web reads the same Ers:Sessions settings as the silos.
    public TimeSpan DefaultHeartbeatTimeout =>
        ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Ers.Grains.SessionOptions>>().Value.HeartbeatTimeout;

    public async Task<ProblemHttpResult> RefuseAsync(AuditSubject subject, int status, string code, string message)
    {
        try
        {
            await Audit.RecordAsync(new EdgeAuditEntry(AuditEvent.Refused, AuditOutcome.Failure, code,
                UserId: subject.UserId, SessionId: subject.SessionId, WorkstationId: subject.WorkstationId, CardId: subject.CardId));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or StoreUnavailableException
            or AuditUnavailableException || AgentApiHandlers.IsClusterUnavailable(e))
        {
            // The refusal stands either way; it changed nothing, so there is no unaudited action.
            Logger.RefusalNotAudited(e, code);
        }

        return AgentApiHandlers.Problem(status, code, message);
    }


    /// <summary>
    /// A refusal of a login step made here, before a grain decided the login: counted in <c>ers.logins</c> (by its code
    /// only) and audited. Refusals a grain makes are counted by that grain, so they never pass through here.
    /// </summary>
    public Task<ProblemHttpResult> RefuseLoginAsync(AuditSubject subject, int status, string code, string message)
    {
        Metrics.LoginRefused(code);
        return RefuseAsync(subject, status, code, message);
    }


    /// <summary>Null when <paramref name="key"/> is within its limit; else the counted 429 answer.</summary>
    public ProblemHttpResult? Limited(HttpContext context, RateLimitKind kind, string? key)
    {
        if (Limiter.TryAcquire(kind, key) is not { } wait)
        {
            return null;
        }

        Edge.RateLimited(kind, context);
        return RateLimitingServices.RateLimited(context, wait);
    }


    /// <summary>Authenticates a session token (no grain is called for a bad one) and checks its certificate.</summary>
    public async Task<(SessionClaims? Session, ProblemHttpResult? Refused)> SessionAsync(string? token, string workstationId, bool checkRevocation = true)
    {
        if (!SessionTokens.TryRead(token, out var claims) || claims.WorkstationId != workstationId)
        {
            return (null, await RefuseAsync(new AuditSubject(workstationId), StatusCodes.Status401Unauthorized,
                ApiErrorCodes.SessionTokenInvalid, "The session token is not valid here. Insert your card to log in."));
        }

        if (checkRevocation && await EndIfRevokedAsync(claims))
        {
            return (null, await RefuseAsync(new AuditSubject(workstationId, claims.CardId, claims.UserId, claims.SessionId),
                StatusCodes.Status403Forbidden, ApiErrorCodes.CertificateRevoked, "The card certificate has been revoked."));
        }

        return (claims, null);
    }

    /// <summary>Ends the session of a card whose certificate a CRL now lists (from any node, via the token).</summary>
    public async Task<bool> EndIfRevokedAsync(SessionClaims session)
    {
        if (Validator.CheckRevocation(session.Certificate) != RevocationStatus.Revoked)
        {
            return false;
        }

        await Grains.GetGrain<ICardGrain>(session.CardId).RevokeAsync();
        return true;
    }

    public async Task<ProblemHttpResult> MalformedAsync(string? code, AuditSubject subject) =>
        code == ApiErrorCodes.RequestTooLarge
            ? await RefuseAsync(subject, StatusCodes.Status413PayloadTooLarge, code, $"The request body is larger than {Options.MaxRequestBodyBytes} bytes.")
            : await RefuseAsync(subject, StatusCodes.Status400BadRequest, ApiErrorCodes.RequestMalformed, "The request body is not a valid request.");

    public async Task<ProblemHttpResult> MalformedLoginAsync(string? code, AuditSubject subject)
    {
        Metrics.LoginRefused(code == ApiErrorCodes.RequestTooLarge ? code : ApiErrorCodes.RequestMalformed);
        return await MalformedAsync(code, subject);
    }
}
