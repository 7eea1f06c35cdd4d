using System.Security.Claims;
using Ers.Audit;
using Ers.Oidc.Store;
using Ers.Sessions;
using Ers.Staff;
using Ers.Web.Browser;
using Ers.Web.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Ers.Web.Oidc;

/// <summary>
/// The two endpoints OpenIddict passes through once it has validated the request (client, redirect URI, PKCE,
/// scopes): the authorization endpoint, where the browser's card session is the login, and the token endpoint,
/// where every code and refresh token is answered only while its card session lives.
/// </summary>
public static class OidcEndpoints
{
    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(OidcRoutes.Authorize, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        app.MapPost(OidcRoutes.Token, TokenAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// With a live card session in this browser (and a fresh enough one when the application asked): a code at once,
    /// no prompt. Without: the "insert your smartcard" page, and this request again after the card login.
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(
        HttpContext http, IGrainFactory grains, OidcReturn returns, EdgeAudit audit, TimeProvider time, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict passed through a request it did not read.");
        // The cookie handler validated the browser's cookie before this ran, and left its live session, if any.
        var session = http.Session() is { IsLive: true } status ? await grains.GetGrain<ISessionGrain>(status.SessionId).GetAsync() : null;
        if (session is not { IsLive: true, Role: not null })
        {
            session = null;
        }

        var need = OidcLoginRules.Decide(
            session?.CreatedAt,
            request.HasPromptValue(PromptValues.Login),
            request.MaxAge,
            returns.FreshSince((string?)request.GetParameter(OidcReturn.FreshParameter)),
            time.GetUtcNow());
        if (need != OidcLoginNeed.None)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                OidcRefusalAudit.Name(http, session?.SessionId, session?.UserId);
                return Forbid(Errors.LoginRequired, "No live smartcard session in this browser.");
            }

            returns.Remember(http, fresh: need == OidcLoginNeed.FreshLogin);
            return Results.Redirect(need == OidcLoginNeed.FreshLogin ? "/?login=again" : "/");
        }

        // The silo records the sign-in before the code exists, so the session's end tells this application.
        var signedIn = await OidcSignedInApplications.DescribeAsync(http, applications, request.ClientId!, session!.SessionId);
        if (!await grains.GetGrain<ISessionGrain>(session.SessionId).ApplicationSignedInAsync(signedIn))
        {
            // It ended just now: as with no session, the card again.
            returns.Remember(http, fresh: false);
            return Results.Redirect("/");
        }

        var identity = await BuildAsync(grains, session, request.GetScopes());
        await audit.RecordAsync(AuditEvent.ApplicationSignedIn, AuditOutcome.Success, request.ClientId ?? "", session.SessionId, session.UserId);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Codes and refresh tokens (already validated by OpenIddict, PKCE included): answered with the session's
    /// claims as they are now, and refused (<c>invalid_grant</c>) once the card session has ended.
    /// </summary>
    private static async Task<IResult> TokenAsync(HttpContext http, IGrainFactory grains)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict passed through a request it did not read.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the authorization code and refresh token grants are answered.");
        }

        var granted = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var sessionId = granted?.GetClaim(OidcClaims.SessionIdClaim);
        var session = sessionId is null ? null : await grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        // A role is never changed in a live session, so a live session with the granted role is the same login.
        if (session is not { IsLive: true, Role: { } role } || role.RoleProfileId != granted!.GetClaim(OidcClaims.SelectedRoleId))
        {
            OidcRefusalAudit.Name(http, sessionId, granted?.GetClaim(Claims.Subject), OidcRefusalAudit.SessionEnded);
            return Forbid(Errors.InvalidGrant, "The smartcard session has ended: log in with your smartcard again.");
        }

        var identity = await BuildAsync(grains, session, granted!.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<ClaimsIdentity> BuildAsync(IGrainFactory grains, SessionSnapshot session, System.Collections.Immutable.ImmutableArray<string> scopes)
    {
        var user = scopes.Contains(OidcScopes.NationalRbacAccess) ? await grains.GetGrain<IUserGrain>(session.UserId).GetProfileAsync() : null;
        return OidcClaims.Build(session, user, scopes);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
