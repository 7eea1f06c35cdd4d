using Ers.Staff;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ers.Web.Pages;

/// <summary>A page behind the login: its session was validated by the cookie handler before the page runs.</summary>
public abstract class SessionPageModel : PageModel
{
    /// <summary>The request's live session (the authorization convention guarantees one).</summary>
    public SessionStatus Session => HttpContext.Session()
        ?? throw new InvalidOperationException("A session page ran without a validated session.");

    /// <summary>
    /// Where the session belongs when it may not see a page for <paramref name="kind"/>: null when it may, the role
    /// page when no role is chosen, the business-function page when no function is, else a 403 page.
    /// </summary>
    protected IActionResult? RequireHomepage(HomepageKind kind) =>
        Session.Role is null ? Redirect("/role")
        : Session.Homepage is null ? Redirect("/business-function")
        : Session.Homepage == kind ? null
        : StatusCode(StatusCodes.Status403Forbidden);
}
