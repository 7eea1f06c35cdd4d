using System.Security.Claims;
using Ers.Sessions;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ers.Web.Pages;

/// <summary>
/// <c>/login?ticket=TOKEN</c>: the only way in. The token is proved authentic before its session grain is called;
/// the grain lets each ticket be redeemed once, within its lifetime, for a live session. Anything else is a page
/// with a stable code and 400 (unknown, forged) or 410 (used, expired, session over): never a 500.
/// </summary>
public sealed class LoginModel(IBrowserTicketReader tickets, IGrainFactory grains, SessionView view, ILogger<LoginModel> logger) : PageModel
{
    public string Code { get; private set; } = RefusalCodes.TicketUnknown;

    public async Task<IActionResult> OnGetAsync([FromQuery] string? ticket)
    {
        Response.Headers.CacheControl = NoCache.CacheControl;
        Response.Headers.Pragma = NoCache.Pragma;
        if (tickets.Read(ticket, out var code) is not { } reference)
        {
            return Refused(code);
        }

        var outcome = await grains.GetGrain<ISessionGrain>(reference.SessionId).RedeemBrowserTicketAsync(reference.TicketId);
        if (outcome.Refusal is { } refusal)
        {
            logger.LogInformation("Login link refused: {Code}", refusal.Code);
            return Refused(refusal.Code);
        }

        var session = view.Apply(outcome.Value!);
        var identity = new ClaimsIdentity([new Claim(BrowserSession.SessionIdClaim, session.SessionId)], BrowserSession.Scheme);
        await HttpContext.SignInAsync(BrowserSession.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        return Redirect(session.Function is null ? "/business-function" : "/home");
    }

    private PageResult Refused(string code)
    {
        Code = code;
        Response.StatusCode = code is RefusalCodes.TicketUsed or RefusalCodes.TicketExpired or RefusalCodes.SessionEnded
            ? StatusCodes.Status410Gone
            : StatusCodes.Status400BadRequest;
        return Page();
    }
}
