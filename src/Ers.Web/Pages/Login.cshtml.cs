using System.Security.Claims;
using Ers.Audit;
using Ers.Sessions;
using Ers.Web.Browser;
using Ers.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ers.Web.Pages;

/// <summary>
/// <c>/login?ticket=TOKEN</c>: the only way in. The token is proved authentic before its session grain is called.
/// GET only looks (the grain checks the ticket without redeeming it) and shows a form that posts itself; the POST,
/// which carries this site's anti-forgery token, redeems the ticket once. A cross-site page can make a browser GET a
/// link, but cannot make it POST with a token only this site's page holds. When the browser holds another live
/// session the page asks first, and replacing it is the user's explicit choice, audited (issue 13, defect 3).
/// Refusals are a page with a stable code and 400 (unknown, forged) or 410 (used, expired, session over), never a 500.
/// </summary>
public sealed partial class LoginModel(
    IBrowserTicketReader tickets,
    IGrainFactory grains,
    SessionView view,
    EdgeAudit audit,
    EdgeRefusals edge,
    ILogger<LoginModel> logger) : PageModel
{
    /// <summary>Audit reason: a login link opened in a browser holding another live session was not used silently.</summary>
    public const string SessionLive = "browser.session-live";

    /// <summary>Audit reason of the two <see cref="AuditEvent.BrowserSessionReplaced"/> records.</summary>
    public const string SessionReplaced = "browser.session-replaced";

    public string Code { get; private set; } = RefusalCodes.TicketUnknown;

    public LoginStep Step { get; private set; } = LoginStep.Refused;

    public string? NewUserName { get; private set; }

    public string? CurrentUserName { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] string? ticket)
    {
        DoNotCache();
        if (await ReadAsync(ticket) is not { } reference)
        {
            return Page();
        }

        var check = await grains.GetGrain<ISessionGrain>(reference.SessionId).CheckBrowserTicketAsync(reference.TicketId);
        if (check.Refusal is { } refusal)
        {
            return Refused(refusal.Code);
        }

        NewUserName = check.Value!.UserName;
        return OtherLiveSession(reference) is { } current ? await ConfirmAsync(current) : Continue();
    }

    public async Task<IActionResult> OnPostAsync([FromQuery] string? ticket, [FromForm] bool replace = false)
    {
        DoNotCache();
        if (await ReadAsync(ticket) is not { } reference)
        {
            return Page();
        }

        var session = grains.GetGrain<ISessionGrain>(reference.SessionId);
        var current = OtherLiveSession(reference);
        if (current is not null && !replace)
        {
            // A live session appeared since the GET (another tab): ask, as the GET would have.
            var check = await session.CheckBrowserTicketAsync(reference.TicketId);
            if (check.Refusal is { } notUsable)
            {
                return Refused(notUsable.Code);
            }

            NewUserName = check.Value!.UserName;
            return await ConfirmAsync(current);
        }

        var outcome = await session.RedeemBrowserTicketAsync(reference.TicketId);
        if (outcome.Refusal is { } refusal)
        {
            LogRefused(refusal.Code);
            return Refused(refusal.Code);
        }

        var redeemed = view.Apply(outcome.Value!);
        if (current is not null)
        {
            // Audited before the cookie changes: the old session goes on at its workstation, only this browser leaves it.
            await audit.RecordAsync(AuditEvent.BrowserSessionReplaced, AuditOutcome.Success, SessionReplaced, current.SessionId, current.UserId);
            await audit.RecordAsync(AuditEvent.BrowserSessionReplaced, AuditOutcome.Success, SessionReplaced, redeemed.SessionId, redeemed.UserId);
            await HttpContext.SignOutAsync(BrowserSession.Scheme);
        }

        var identity = new ClaimsIdentity([new Claim(BrowserSession.SessionIdClaim, redeemed.SessionId)], BrowserSession.Scheme);
        await HttpContext.SignInAsync(BrowserSession.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        // A session awaiting its role chooses it first; an application's sign-in that sent the user to insert the card
        // resumes after that (src/Ers.Web/Oidc/OidcReturn.cs).
        return Redirect(redeemed.Role is null ? "/role"
            : Oidc.OidcReturn.Take(HttpContext) ?? (redeemed.Function is null ? "/business-function" : "/home"));
    }

    /// <summary>
    /// The ticket the token names, or null with the refusal page prepared. A forged or garbled token proves nothing
    /// about who sent it and costs nothing to send: counted (<c>ers.requests.unidentified</c>), not audited. An
    /// authentic but expired one was issued to a session: audited with that session.
    /// </summary>
    private async Task<BrowserTicketRef?> ReadAsync(string? ticket)
    {
        if (tickets.Read(ticket, out var code, out var expiredSessionId) is { } reference)
        {
            return reference;
        }

        if (expiredSessionId is null)
        {
            edge.Unidentified(code, HttpContext);
        }
        else
        {
            await audit.RecordAsync(AuditEvent.Refused, AuditOutcome.Failure, code, expiredSessionId, userId: null);
        }

        Refused(code);
        return null;
    }

    /// <summary>The live session this browser holds, when it is not the one the link names.</summary>
    /// <remarks>The cookie handler validated the cookie (and looked its session up) before the page ran.</remarks>
    private SessionStatus? OtherLiveSession(BrowserTicketRef reference) =>
        HttpContext.Session() is { IsLive: true } current && current.SessionId != reference.SessionId ? current : null;

    private async Task<IActionResult> ConfirmAsync(SessionStatus current)
    {
        await audit.RecordAsync(AuditEvent.Refused, AuditOutcome.Failure, SessionLive, current.SessionId, current.UserId);
        CurrentUserName = current.UserName;
        Step = LoginStep.Confirm;
        return Page();
    }

    private PageResult Continue()
    {
        Step = LoginStep.Continue;
        return Page();
    }

    private PageResult Refused(string code)
    {
        Code = code;
        Step = LoginStep.Refused;
        Response.StatusCode = code is RefusalCodes.TicketUsed or RefusalCodes.TicketExpired or RefusalCodes.SessionEnded
            ? StatusCodes.Status410Gone
            : StatusCodes.Status400BadRequest;
        return Page();
    }

    private void DoNotCache()
    {
        Response.Headers.CacheControl = NoCache.CacheControl;
        Response.Headers.Pragma = NoCache.Pragma;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Login link refused: {Code}")]
    private partial void LogRefused(string code);
}
