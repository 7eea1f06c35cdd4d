using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Web.Security;
using Ers.Web.Security.RateLimits;

namespace Ers.Web.Apis;

/// <summary>Who an audit record of a refusal names, as far as the API knows at that point.</summary>
internal sealed record AuditSubject(string? WorkstationId = null, string? CardId = null, string? UserId = null, string? SessionId = null);

/// <summary>
/// The agent API's handlers. Order inside each: body, token, certificate, signature, then grains. A refusal made
/// here is audited here; a refusal made by a grain was audited by that grain.
/// </summary>
internal sealed class AgentApiHandlers(
    IGrainFactory grains,
    IServiceProvider services,
    EdgeAudit audit,
    CardCertificateValidator validator,
    CardChallenges challenges,
    SessionTokens sessionTokens,
    BrowserTicketTokens ticketTokens,
    CardRevocations revocations,
    CardAuthenticationOptions cardOptions,
    AgentApiOptions options,
    AgentApiOrigin origin,
    ILogger<AgentApiHandlers> logger,
    Ers.Grains.Telemetry.ErsMetrics metrics,
    AgentRateLimiter limiter,
    EdgeRefusals edge)
{
    private const int MaxHeartbeatSessions = 32;
    private const int MaxCertificateBytes = 16 * 1024;

    public async Task<IResult> CardInsertedAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardInsertedRequest>(context, options.MaxRequestBodyBytes);
        if (request is null || !AgentRequests.IsValidCardId(request.CardId) || request.Certificate is not { Length: > 0 and <= MaxCertificateBytes })
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId, SafeCardId(request?.CardId)));
        }

        if (Limited(context, RateLimitKind.Card, request.CardId) is { } limited)
        {
            return limited;
        }

        var subject = new AuditSubject(workstationId, request.CardId);
        if (request.LoginProtocol != LoginStatement.Protocol)
        {
            // An agent from before login statements would have its card sign the nonce's raw bytes: it gets no challenge.
            return await RefuseLoginAsync(subject, StatusCodes.Status400BadRequest, ApiErrorCodes.AgentOutdated,
                $"This agent does not sign {LoginStatement.Protocol} login statements. Update the agent.");
        }

        var validation = validator.Validate(request.Certificate);
        metrics.CertificateValidated(validation.ErrorCode ?? "valid"); // ers.certificate.validations (telemetry)
        if (validation.Card is not { } card)
        {
            return await RefuseLoginAsync(subject, StatusFor(validation.ErrorCode!), validation.ErrorCode!, validation.Message!);
        }

        if (Limited(context, RateLimitKind.User, card.UserId) is { } userLimited)
        {
            return userLimited;
        }

        subject = subject with { UserId = card.UserId };
        if (cardOptions.RequireCardIdMatch && card.CardUuid is { } named &&
            !(Guid.TryParse(request.CardId, out var reported) && reported == named))
        {
            return await RefuseLoginAsync(subject, StatusCodes.Status403Forbidden, ApiErrorCodes.CertificateCardMismatch,
                "The certificate belongs to another card.");
        }

        // The card grain issues the challenge, bound to this workstation and the key of the certificate just checked.
        var presented = await grains.GetGrain<ICardGrain>(request.CardId).PresentedAsync(workstationId, card.Key);
        if (presented.Refusal is { } refusal)
        {
            return GrainRefusal(refusal);
        }

        var (snapshot, challenge) = presented.Value!;
        var token = challenges.Issue(request.CardId, challenge.ChallengeId, request.Certificate);
        // The card grain shows its open unblock order; it is this agent's to run only if the RA chose this workstation.
        var unblock = snapshot.UnblockOrder?.WorkstationId == workstationId;
        return Results.Ok(new CardInsertedResponse(
            token, challenge.ChallengeId, challenge.Nonce, challenge.ExpiresAt, card.Algorithm.Name(), validation.Warning, unblock));
    }

    public async Task<IResult> CardAuthenticateAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardAuthenticateRequest>(context, options.MaxRequestBodyBytes);
        if (request is null || request.Signature is not { Length: > 0 and <= Ers.Grains.Cards.CardSignatures.MaxSignatureLength })
        {
            return await MalformedLoginAsync(bad, new AuditSubject(workstationId));
        }

        if (!challenges.TryRead(request.ChallengeToken, out var claims))
        {
            return await RefuseLoginAsync(new AuditSubject(workstationId), StatusCodes.Status401Unauthorized,
                ApiErrorCodes.ChallengeInvalid, "The challenge is not one Ers issued.");
        }

        if (Limited(context, RateLimitKind.Card, claims.CardId) is { } limited)
        {
            return limited;
        }

        var subject = new AuditSubject(workstationId, claims.CardId);
        // Re-checked (a cache hit normally) so a revocation published since the challenge is honoured.
        var validation = validator.Validate(claims.Certificate);
        metrics.CertificateValidated(validation.ErrorCode ?? "valid"); // ers.certificate.validations (telemetry)
        if (validation.Card is not { } card)
        {
            return await RefuseLoginAsync(subject, StatusFor(validation.ErrorCode!), validation.ErrorCode!, validation.Message!);
        }

        if (Limited(context, RateLimitKind.User, card.UserId) is { } userLimited)
        {
            return userLimited;
        }

        // The card grain decides the rest (the challenge's workstation, lifetime and single use, the login statement
        // and its signature, the session id), audits its refusals and counts the login.
        var started = await grains.GetGrain<ICardGrain>(claims.CardId).AuthenticateAsync(
            new CardLogin(workstationId, claims.ChallengeId, request.Signature, origin.Value));
        if (started.Refusal is { } refusal)
        {
            return GrainRefusal(refusal);
        }

        var session = started.Value!;
        revocations.Remember(card.Id, claims.CardId);
        revocations.RememberWorkstation(WorkstationIdentity.CertificateOf(context), workstationId, session.SessionId);
        var token = sessionTokens.Issue(session.SessionId, workstationId, claims.CardId, card.UserId, card.Id);
        return Results.Ok(ToResponse(token, session, validation.Warning));
    }

    public async Task<IResult> SelectRoleAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<SelectRoleRequest>(context, options.MaxRequestBodyBytes);
        if (request is null || request.RoleProfileId is not { Length: > 0 and <= 64 })
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var (session, refused) = await SessionAsync(request.SessionToken, workstationId);
        if (session is null)
        {
            return refused!;
        }

        var selected = await grains.GetGrain<ISessionGrain>(session.SessionId).SelectRoleAsync(request.RoleProfileId);
        return selected.Refusal is { } refusal
            ? GrainRefusal(refusal)
            : Results.Ok(ToResponse(request.SessionToken, selected.Value!, null));
    }

    public async Task<IResult> HeartbeatAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<HeartbeatRequest>(context, options.MaxRequestBodyBytes);
        if (request is null || request.SessionTokens is not { Count: <= MaxHeartbeatSessions })
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var sessions = new List<SessionClaims>();
        foreach (var token in request.SessionTokens)
        {
            var (session, refused) = await SessionAsync(token, workstationId, checkRevocation: false);
            if (session is null)
            {
                return refused!;
            }

            sessions.Add(session);
        }

        // Straight to the sessions, which hold the heartbeat deadlines (the workstation grain is not woken up), and all
        // at once: one session whose silo is unreachable must not hold back the others' heartbeats. Each answers with
        // its state and the heartbeat rule its silo applies (one owner: the agent is told, never configured to match).
        var answers = await Task.WhenAll(sessions.Select(async session =>
            await EndIfRevokedAsync(session)
                ? new HeartbeatAnswer(false, SessionEndReason.Revoked, DefaultHeartbeatTimeout, Ers.Grains.Workstations.HeartbeatRule.Period(DefaultHeartbeatTimeout))
                : await grains.GetGrain<ISessionGrain>(session.SessionId).BeatAsync()));
        var timeout = answers.Length > 0 ? answers.Max(a => a.HeartbeatTimeout) : DefaultHeartbeatTimeout;
        return Results.Ok(new HeartbeatResponse(timeout, Ers.Grains.Workstations.HeartbeatRule.Period(timeout),
            [.. answers.Select(a => new HeartbeatSessionStatus(
                a.IsLive,
                a is { IsLive: false, EndReason: { } reason } ? SessionEndReasons.Code(reason) : null,
                a.IsLive ? null : "Your session has ended: " + SessionEndReasons.Describe(a.EndReason) + ".",
                a.Role is null ? null : ToDto(a.Role)))]));
    }

    // The silos' rule, for an answer that names no session: the web reads the same Ers:Sessions settings as the silos.
    private TimeSpan DefaultHeartbeatTimeout =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Ers.Grains.SessionOptions>>().Value.HeartbeatTimeout;

    public Task<IResult> CardRemovedAsync(HttpContext context) =>
        CardEventAsync(context, (card, workstationId) => card.RemovedAsync(workstationId));

    public Task<IResult> CardBlockedAsync(HttpContext context) =>
        CardEventAsync(context, (card, workstationId) => card.BlockedAsync(workstationId));

    public async Task<IResult> CardUnblockedAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardUnblockedRequest>(context, options.MaxRequestBodyBytes);
        if (request is null || !AgentRequests.IsValidCardId(request.CardId) || !Enum.IsDefined(request.Outcome))
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId, SafeCardId(request?.CardId)));
        }

        if (Limited(context, RateLimitKind.Card, request.CardId) is { } limited)
        {
            return limited;
        }

        // The card grain refuses (and audits) a report without an open order for this workstation holding the card.
        var result = request.Outcome switch
        {
            CardUnblockOutcome.WrongPuk => UnblockResult.WrongPuk,
            CardUnblockOutcome.PukBlocked => UnblockResult.PukBlocked,
            _ => UnblockResult.Unblocked,
        };
        var reported = await grains.GetGrain<ICardGrain>(request.CardId).UnblockReportedAsync(workstationId, result);
        return reported.Refusal is { } refusal ? GrainRefusal(refusal) : Results.NoContent();
    }

    public async Task<IResult> LogoutAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<SessionRequest>(context, options.MaxRequestBodyBytes);
        if (request is null)
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var (session, refused) = await SessionAsync(request.SessionToken, workstationId, checkRevocation: false);
        if (session is null)
        {
            return refused!;
        }

        await grains.GetGrain<ISessionGrain>(session.SessionId).EndAsync(SessionEndReason.Logout);
        return Results.NoContent();
    }

    public async Task<IResult> BrowserTicketAsync(HttpContext context)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<SessionRequest>(context, options.MaxRequestBodyBytes);
        if (request is null)
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var (session, refused) = await SessionAsync(request.SessionToken, workstationId);
        if (session is null)
        {
            return refused!;
        }

        var issued = await grains.GetGrain<ISessionGrain>(session.SessionId).IssueBrowserTicketAsync();
        if (issued.Refusal is { } refusal)
        {
            return GrainRefusal(refusal);
        }

        var ticket = issued.Value!;
        var token = ticketTokens.Protect(session.SessionId, ticket.TicketId, ticket.ExpiresAt);
        var baseUrl = options.BrowserBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host}";
        return Results.Ok(new BrowserTicketResponse(new Uri($"{baseUrl}/login?ticket={Uri.EscapeDataString(token)}"), ticket.ExpiresAt));
    }

    public async Task<IResult> RefuseAsync(AuditSubject subject, int status, string code, string message)
    {
        try
        {
            await audit.RecordAsync(new EdgeAuditEntry(AuditEvent.Refused, AuditOutcome.Failure, code,
                UserId: subject.UserId, SessionId: subject.SessionId, WorkstationId: subject.WorkstationId, CardId: subject.CardId));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or StoreUnavailableException
            or AuditUnavailableException || IsClusterUnavailable(e))
        {
            // The refusal stands either way; it changed nothing, so there is no unaudited action.
            logger.RefusalNotAudited(e, code);
        }

        return Problem(status, code, message);
    }

    /// <summary>
    /// A refusal of a login step made here, before a grain decided the login: counted in <c>ers.logins</c> (by its code
    /// only) and audited. Refusals a grain makes are counted by that grain, so they never pass through here.
    /// </summary>
    public Task<IResult> RefuseLoginAsync(AuditSubject subject, int status, string code, string message)
    {
        metrics.LoginRefused(code);
        return RefuseAsync(subject, status, code, message);
    }

    /// <summary>Null when <paramref name="key"/> is within its limit; else the counted 429 answer.</summary>
    private IResult? Limited(HttpContext context, RateLimitKind kind, string? key)
    {
        if (limiter.TryAcquire(kind, key) is not { } wait)
        {
            return null;
        }

        edge.RateLimited(kind, context);
        return RateLimitingServices.RateLimited(context, wait);
    }

    public IResult Unavailable(Exception e, HttpContext context)
    {
        logger.ClusterUnavailable(e, context.Request.Path);
        return Problem(StatusCodes.Status503ServiceUnavailable, ApiErrorCodes.StoreUnavailable,
            "Ers cannot reach its session store just now. Try again in a moment.");
    }

    public static bool IsClusterUnavailable(Exception e) =>
        Ers.Cluster.StoreFailures.IsUnavailable(e) || e is OrleansException or System.Net.Sockets.SocketException;

    private async Task<IResult> CardEventAsync(HttpContext context, Func<ICardGrain, string, Task<Outcome<CardSnapshot>>> report)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardRemovedRequest>(context, options.MaxRequestBodyBytes);
        if (request is null || !AgentRequests.IsValidCardId(request.CardId))
        {
            return await MalformedAsync(bad, new AuditSubject(workstationId, SafeCardId(request?.CardId)));
        }

        if (Limited(context, RateLimitKind.Card, request.CardId) is { } limited)
        {
            return limited;
        }

        // The card grain refuses (and audits) a report from a workstation that does not hold the card.
        var reported = await report(grains.GetGrain<ICardGrain>(request.CardId), workstationId);
        return reported.Refusal is { } refusal ? GrainRefusal(refusal) : Results.NoContent();
    }

    /// <summary>Authenticates a session token (no grain is called for a bad one) and checks its certificate.</summary>
    private async Task<(SessionClaims? Session, IResult? Refused)> SessionAsync(string? token, string workstationId, bool checkRevocation = true)
    {
        if (!sessionTokens.TryRead(token, out var claims) || claims.WorkstationId != workstationId)
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
    private async Task<bool> EndIfRevokedAsync(SessionClaims session)
    {
        if (validator.CheckRevocation(session.Certificate) != RevocationStatus.Revoked)
        {
            return false;
        }

        await grains.GetGrain<ICardGrain>(session.CardId).RevokeAsync();
        return true;
    }

    private async Task<IResult> MalformedAsync(string? code, AuditSubject subject) =>
        code == ApiErrorCodes.RequestTooLarge
            ? await RefuseAsync(subject, StatusCodes.Status413PayloadTooLarge, code, $"The request body is larger than {options.MaxRequestBodyBytes} bytes.")
            : await RefuseAsync(subject, StatusCodes.Status400BadRequest, ApiErrorCodes.RequestMalformed, "The request body is not a valid request.");

    private async Task<IResult> MalformedLoginAsync(string? code, AuditSubject subject)
    {
        metrics.LoginRefused(code == ApiErrorCodes.RequestTooLarge ? code : ApiErrorCodes.RequestMalformed);
        return await MalformedAsync(code, subject);
    }

    private static string? SafeCardId(string? cardId) => AgentRequests.IsValidCardId(cardId) ? cardId : null;

    private static string Workstation(HttpContext context) => (string)context.Items[AgentApi.WorkstationItem]!;

    private static int StatusFor(string code) =>
        code == ApiErrorCodes.RequestMalformed ? StatusCodes.Status400BadRequest : StatusCodes.Status403Forbidden;

    private static IResult GrainRefusal(Refusal refusal) => Problem(refusal.Code switch
    {
        RefusalCodes.SessionEnded or RefusalCodes.SessionAlreadyStarted or RefusalCodes.RoleAlreadyChosen
            or RefusalCodes.RoleNotChosen or RefusalCodes.ConcurrentSessionDenied or RefusalCodes.CardNotInserted
            or RefusalCodes.CardInOtherWorkstation or RefusalCodes.TicketUsed or RefusalCodes.UnblockOrderExpired => StatusCodes.Status409Conflict,
        RefusalCodes.ChallengeUsed => StatusCodes.Status409Conflict,
        RefusalCodes.ChallengeInvalid or RefusalCodes.ChallengeExpired or RefusalCodes.SignatureInvalid => StatusCodes.Status401Unauthorized,
        RefusalCodes.SessionUnknown => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status403Forbidden,
    }, refusal.Code, refusal.Message);

    internal static IResult Problem(int status, string code, string detail) =>
        Results.Problem(
            detail: detail,
            statusCode: status,
            title: code,
            type: "urn:ers:problem:" + code,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    private static SessionResponse ToResponse(string token, SessionSnapshot session, CertificateWarning? warning) =>
        new(token, session.State.ToString(), session.UserName,
            session.AvailableRoles.Select(ToDto).ToList(), session.Role is null ? null : ToDto(session.Role), warning);

    private static RoleProfileDto ToDto(RoleProfile role) =>
        new(role.RoleProfileId, role.OdsCode, role.OrganisationName, role.JobRoleCode, role.JobRoleName);
}
