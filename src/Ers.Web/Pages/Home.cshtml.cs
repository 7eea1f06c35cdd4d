using Ers.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages;

/// <summary>Sends the session to its business function's homepage.</summary>
public sealed class HomeModel : SessionPageModel
{
    public IActionResult OnGet() => Session.Homepage switch
    {
        null when Session.Role is null => Redirect("/role"),
        null => Redirect("/business-function"),
        HomepageKind.Referrer => Redirect("/referrer"),
        HomepageKind.Provider => Redirect("/provider"),
        _ => Page(),
    };
}
