using Ers.Api;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Web.Security;
using Ers.Web.Security.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ers.Web.Apis;

/// <summary>
/// The agent API's handlers: static, their services bound per request (<see cref="AgentApiServices"/>), typed
/// results. Order inside each: body, token, certificate, then grains. A refusal made here is audited here
/// (through the silos, <c>EdgeAudit</c>); a refusal made by a grain was audited by that grain. The workstation is
/// the route group's policy's (<c>WorkstationAuthenticationHandler</c>).
/// </summary>
internal static class AgentApiHandlers
{
    private const int MaxHeartbeatSessions = 32;
    private const int MaxCertificateBytes = 16 * 1024;

    public static async Task<Results<Ok<CardInsertedResponse>, ProblemHttpResult>> CardInsertedAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardInsertedRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null || !AgentRequests.IsValidCardId(request.CardId) || request.Certificate is not { Length: > 0 and <= MaxCertificateBytes })
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId, SafeCardId(request?.CardId)));
        }

        if (s.Limited(context, RateLimitKind.Card, request.CardId) is { } limited)
        {
            return limited;
        }

        var subject = new AuditSubject(workstationId, request.CardId);
        if (request.LoginProtocol != LoginStatement.Protocol)
        {
            // An agent from before login statements would have its card sign the nonce's raw bytes: it gets no challenge.
            return await s.RefuseLoginAsync(subject, StatusCodes.Status400BadRequest, ApiErrorCodes.AgentOutdated,
                $"This agent does not sign {LoginStatement.Protocol} login statements. Update the agent.");
        }

        var validation = s.Validator.Validate(request.Certificate);
        s.Metrics.CertificateValidated(validation.ErrorCode ?? "valid"); // ers.certificate.validations (telemetry)
        if (validation.Card is not { } card)
        {
            return await s.RefuseLoginAsync(subject, StatusFor(validation.ErrorCode!), validation.ErrorCode!, validation.Message!);
        }

        if (s.Limited(context, RateLimitKind.User, card.UserId) is { } userLimited)
        {
            return userLimited;
        }

        subject = subject with { UserId = card.UserId };
        if (s.CardOptions.RequireCardIdMatch && card.CardUuid is { } named &&
            !(Guid.TryParse(request.CardId, out var reported) && reported == named))
        {
            return await s.RefuseLoginAsync(subject, StatusCodes.Status403Forbidden, ApiErrorCodes.CertificateCardMismatch,
                "The certificate belongs to another card.");
        }

        // The card grain issues the challenge, bound to this workstation and the key of the certificate just checked.
        var presented = await s.Grains.GetGrain<ICardGrain>(request.CardId).PresentedAsync(workstationId, card.Key);
        if (presented.Refusal is { } refusal)
        {
            return GrainRefusal(refusal);
        }

        var (snapshot, challenge) = presented.Value!;
        var token = s.Challenges.Issue(request.CardId, challenge.ChallengeId, request.Certificate);
        // The card grain shows its open unblock order; it is this agent's to run only if the RA chose this workstation.
        var unblock = snapshot.UnblockOrder?.WorkstationId == workstationId;
        return TypedResults.Ok(new CardInsertedResponse(
            token, challenge.ChallengeId, challenge.Nonce, challenge.ExpiresAt, card.Algorithm.Name(), validation.Warning, unblock));
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> CardAuthenticateAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardAuthenticateRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null || request.Signature is not { Length: > 0 and <= Ers.Grains.Cards.CardSignatures.MaxSignatureLength })
        {
            return await s.MalformedLoginAsync(bad, new AuditSubject(workstationId));
        }

        if (!s.Challenges.TryRead(request.ChallengeToken, out var claims))
        {
            return await s.RefuseLoginAsync(new AuditSubject(workstationId), StatusCodes.Status401Unauthorized,
                ApiErrorCodes.ChallengeInvalid, "The challenge is not one Ers issued.");
        }

        if (s.Limited(context, RateLimitKind.Card, claims.CardId) is { } limited)
        {
            return limited;
        }

        var subject = new AuditSubject(workstationId, claims.CardId);
        // Re-checked (a cache hit normally) so a revocation published since the challenge is honoured.
        var validation = s.Validator.Validate(claims.Certificate);
        s.Metrics.CertificateValidated(validation.ErrorCode ?? "valid"); // ers.certificate.validations (telemetry)
        if (validation.Card is not { } card)
        {
            return await s.RefuseLoginAsync(subject, StatusFor(validation.ErrorCode!), validation.ErrorCode!, validation.Message!);
        }

        if (s.Limited(context, RateLimitKind.User, card.UserId) is { } userLimited)
        {
            return userLimited;
        }

        // The card grain decides the rest (the challenge's workstation, lifetime and single use, the login statement
        // and its signature, the session id), audits its refusals and counts the login.
        var started = await s.Grains.GetGrain<ICardGrain>(claims.CardId).AuthenticateAsync(
            new CardLogin(workstationId, claims.ChallengeId, request.Signature, s.Origin.Value));
        if (started.Refusal is { } refusal)
        {
            return GrainRefusal(refusal);
        }

        var session = started.Value!;
        s.Revocations.Remember(card.Id, claims.CardId);
        s.Revocations.RememberWorkstation(WorkstationIdentity.CertificateOf(context), workstationId, session.SessionId);
        var token = s.SessionTokens.Issue(session.SessionId, workstationId, claims.CardId, card.UserId, card.Id);
        return TypedResults.Ok(ToResponse(token, session, validation.Warning));
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> SelectRoleAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<SelectRoleRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null || request.RoleProfileId is not { Length: > 0 and <= 64 })
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var (session, refused) = await s.SessionAsync(request.SessionToken, workstationId);
        if (session is null)
        {
            return refused!;
        }

        var selected = await s.Grains.GetGrain<ISessionGrain>(session.SessionId).SelectRoleAsync(request.RoleProfileId);
        return selected.Refusal is { } refusal
            ? GrainRefusal(refusal)
            : TypedResults.Ok(ToResponse(request.SessionToken, selected.Value!, null));
    }

    public static async Task<Results<Ok<HeartbeatResponse>, ProblemHttpResult>> HeartbeatAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<HeartbeatRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null || request.SessionTokens is not { Count: <= MaxHeartbeatSessions })
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var sessions = new List<SessionClaims>();
        foreach (var token in request.SessionTokens)
        {
            var (session, refused) = await s.SessionAsync(token, workstationId, checkRevocation: false);
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
            await s.EndIfRevokedAsync(session)
                ? new HeartbeatAnswer(false, SessionEndReason.Revoked, s.DefaultHeartbeatTimeout, Ers.Grains.Workstations.HeartbeatRule.Period(s.DefaultHeartbeatTimeout))
                : await s.Grains.GetGrain<ISessionGrain>(session.SessionId).BeatAsync()));
        var timeout = answers.Length > 0 ? answers.Max(a => a.HeartbeatTimeout) : s.DefaultHeartbeatTimeout;
        return TypedResults.Ok(new HeartbeatResponse(timeout, Ers.Grains.Workstations.HeartbeatRule.Period(timeout),
            [.. answers.Select(a => new HeartbeatSessionStatus(
                a.IsLive,
                a is { IsLive: false, EndReason: { } reason } ? SessionEndReasons.Code(reason) : null,
                a.IsLive ? null : "Your session has ended: " + SessionEndReasons.Describe(a.EndReason) + ".",
                a.Role is null ? null : ToDto(a.Role)))]));
    }

    public static Task<Results<NoContent, ProblemHttpResult>> CardRemovedAsync(HttpContext context, [AsParameters] AgentApiServices s) =>
        CardEventAsync(context, s, (card, workstationId) => card.RemovedAsync(workstationId));

    public static Task<Results<NoContent, ProblemHttpResult>> CardBlockedAsync(HttpContext context, [AsParameters] AgentApiServices s) =>
        CardEventAsync(context, s, (card, workstationId) => card.BlockedAsync(workstationId));

    public static async Task<Results<NoContent, ProblemHttpResult>> CardUnblockedAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardUnblockedRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null || !AgentRequests.IsValidCardId(request.CardId) || !Enum.IsDefined(request.Outcome))
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId, SafeCardId(request?.CardId)));
        }

        if (s.Limited(context, RateLimitKind.Card, request.CardId) is { } limited)
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
        var reported = await s.Grains.GetGrain<ICardGrain>(request.CardId).UnblockReportedAsync(workstationId, result);
        return reported.Refusal is { } refusal ? GrainRefusal(refusal) : TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<SessionRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null)
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var (session, refused) = await s.SessionAsync(request.SessionToken, workstationId, checkRevocation: false);
        if (session is null)
        {
            return refused!;
        }

        await s.Grains.GetGrain<ISessionGrain>(session.SessionId).EndAsync(SessionEndReason.Logout);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<BrowserTicketResponse>, ProblemHttpResult>> BrowserTicketAsync(HttpContext context, [AsParameters] AgentApiServices s)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<SessionRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null)
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId));
        }

        var (session, refused) = await s.SessionAsync(request.SessionToken, workstationId);
        if (session is null)
        {
            return refused!;
        }

        var issued = await s.Grains.GetGrain<ISessionGrain>(session.SessionId).IssueBrowserTicketAsync();
        if (issued.Refusal is { } refusal)
        {
            return GrainRefusal(refusal);
        }

        var ticket = issued.Value!;
        var token = s.TicketTokens.Protect(session.SessionId, ticket.TicketId, ticket.ExpiresAt);
        var baseUrl = s.Options.BrowserBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host}";
        return TypedResults.Ok(new BrowserTicketResponse(new Uri($"{baseUrl}/login?ticket={Uri.EscapeDataString(token)}"), ticket.ExpiresAt));
    }


    public static ProblemHttpResult Unavailable(ILogger logger, Exception e, HttpContext context)
    {
        logger.ClusterUnavailable(e, context.Request.Path);
        return Problem(StatusCodes.Status503ServiceUnavailable, ApiErrorCodes.StoreUnavailable,
            "Ers cannot reach its session store just now. Try again in a moment.");
    }

    public static bool IsClusterUnavailable(Exception e) =>
        Ers.Cluster.StoreFailures.IsUnavailable(e) || e is OrleansException or System.Net.Sockets.SocketException;

    private static async Task<Results<NoContent, ProblemHttpResult>> CardEventAsync(HttpContext context, AgentApiServices s, Func<ICardGrain, string, Task<Outcome<CardSnapshot>>> report)
    {
        var workstationId = Workstation(context);
        var (request, bad) = await AgentRequests.ReadAsync<CardRemovedRequest>(context, s.Options.MaxRequestBodyBytes);
        if (request is null || !AgentRequests.IsValidCardId(request.CardId))
        {
            return await s.MalformedAsync(bad, new AuditSubject(workstationId, SafeCardId(request?.CardId)));
        }

        if (s.Limited(context, RateLimitKind.Card, request.CardId) is { } limited)
        {
            return limited;
        }

        // The card grain refuses (and audits) a report from a workstation that does not hold the card.
        var reported = await report(s.Grains.GetGrain<ICardGrain>(request.CardId), workstationId);
        return reported.Refusal is { } refusal ? GrainRefusal(refusal) : TypedResults.NoContent();
    }

    private static string? SafeCardId(string? cardId) => AgentRequests.IsValidCardId(cardId) ? cardId : null;

    private static string Workstation(HttpContext context) => (string)context.Items[AgentApi.WorkstationItem]!;

    private static int StatusFor(string code) =>
        code == ApiErrorCodes.RequestMalformed ? StatusCodes.Status400BadRequest : StatusCodes.Status403Forbidden;

    private static ProblemHttpResult GrainRefusal(Refusal refusal) => Problem(refusal.Code switch
    {
        RefusalCodes.SessionEnded or RefusalCodes.SessionAlreadyStarted or RefusalCodes.RoleAlreadyChosen
            or RefusalCodes.RoleNotChosen or RefusalCodes.ConcurrentSessionDenied or RefusalCodes.CardNotInserted
            or RefusalCodes.CardInOtherWorkstation or RefusalCodes.TicketUsed or RefusalCodes.UnblockOrderExpired => StatusCodes.Status409Conflict,
        RefusalCodes.ChallengeUsed => StatusCodes.Status409Conflict,
        RefusalCodes.ChallengeInvalid or RefusalCodes.ChallengeExpired or RefusalCodes.SignatureInvalid => StatusCodes.Status401Unauthorized,
        RefusalCodes.SessionUnknown => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status403Forbidden,
    }, refusal.Code, refusal.Message);

    internal static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(
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
