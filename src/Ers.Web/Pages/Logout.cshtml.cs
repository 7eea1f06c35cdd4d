using Ers.Sessions;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages;

/// <summary>Log out: ends the session itself (every page and application bound to it), not just this cookie.</summary>
public sealed class LogoutModel(IGrainFactory grains, SessionView view, TimeProvider time) : SessionPageModel
{
    public IActionResult OnGet() => Redirect("/home");

    public async Task<IActionResult> OnPostAsync()
    {
        var id = Session.SessionId;
        await grains.GetGrain<ISessionGrain>(id).EndAsync(SessionEndReason.Logout);
        // The hub pushes the end to every node; this node need not wait for its own copy.
        view.MarkEnded(new SessionEnded(id, SessionEndReason.Logout, time.GetUtcNow()));
        await HttpContext.SignOutAsync(BrowserSession.Scheme);
        return Redirect("/?ended=" + SessionEndReasons.Code(SessionEndReason.Logout));
    }
}
