using System.Security.Claims;
using System.Text.Encodings.Web;
using Ers.Api;
using Ers.Grains.Telemetry;
using Ers.Web.Security.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ers.Web.Security;

/// <summary>
/// The agents' API's authentication scheme and authorization policy: a request is a workstation's when its client
/// certificate (or the ingress's forwarded one) passes <see cref="WorkstationIdentity.AuthenticateAsync"/>. The
/// API's route group requires <see cref="Policy"/>, so no handler runs for anyone else. The challenge is the edge's
/// answer to such a request: counted and sampled in the log, never audited one each (a flood would otherwise fill
/// the audit trail and slow every login behind it), paced per address, and a problem with a stable code.
/// </summary>
public sealed class WorkstationAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    EdgeRefusals edge,
    UnidentifiedPacer pacer,
    ErsMetrics metrics) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "ers-workstation";
    public const string Policy = "ers-workstation";
    private const string RefusalItem = "ers:workstation-refusal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (workstationId, code, status) = await WorkstationIdentity.AuthenticateAsync(Context);
        if (workstationId is null)
        {
            Context.Items[RefusalItem] = (code!, status);
            return AuthenticateResult.Fail(code!);
        }

        var identity = new ClaimsIdentity([new Claim(WorkstationIdentity.WorkstationIdClaim, workstationId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, status) = Context.Items[RefusalItem] is ValueTuple<string, int> refused
            ? refused
            : (ApiErrorCodes.ClientCertificateMissing, StatusCodes.Status401Unauthorized);
        edge.Unidentified(code, Context);
        var path = Request.Path;
        if (path.StartsWithSegments(AgentApiRoutes.CardInserted, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(AgentApiRoutes.CardAuthenticate, StringComparison.OrdinalIgnoreCase))
        {
            metrics.LoginRefused(code); // ers.logins, by its code only
        }

        // ... and as fast as they are answered: the answer waits for its address's pace, so a flood that waits for
        // answers is held to that pace instead of taking the logins' CPU.
        if (await pacer.PaceAsync(Context) is { } pace)
        {
            edge.RateLimited(RateLimitKind.Unidentified, Context);
            // More are waiting than the queue holds: this connection is not worth keeping open.
            Response.Headers.Connection = "close";
            await RateLimitingServices.RateLimited(Context, pace).ExecuteAsync(Context);
            return;
        }

        await Apis.AgentApiHandlers.Problem(status, code,
            code == ApiErrorCodes.ClientCertificateMissing
                ? "This workstation presented no client certificate."
                : "This workstation's client certificate is not trusted.").ExecuteAsync(Context);
    }
}
