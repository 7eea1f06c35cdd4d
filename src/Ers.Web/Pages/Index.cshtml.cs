using Ers.Sessions;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ers.Web.Pages;

/// <summary>The only page anyone without a live session sees: "insert your smartcard".</summary>
public sealed class IndexModel : PageModel
{
    public string? EndedMessage { get; private set; }

    /// <summary>An application asked for a fresh card login (<c>prompt=login</c>, <c>max_age</c>) while a session is live.</summary>
    public bool LoginAgain { get; private set; }

    public IActionResult OnGet([FromQuery] string? ended, [FromQuery] string? login)
    {
        LoginAgain = login == "again";
        // The cookie middleware validated any cookie already: a live session goes to its homepage.
        if (HttpContext.Session() is { IsLive: true } && !LoginAgain)
        {
            return Redirect("/home");
        }

        if (ended is { Length: > 0 })
        {
            EndedMessage = $"Your session has ended: {SessionEndReasons.Describe(BrowserSession.ReasonFromCode(ended))}.";
        }

        return Page();
    }
}
