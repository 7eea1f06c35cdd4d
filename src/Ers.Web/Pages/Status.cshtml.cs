using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ers.Web.Pages;

/// <summary>The page behind every bare error status (re-executed by the status-code middleware).</summary>
public sealed class StatusModel : PageModel
{
    public string Title { get; private set; } = "";

    public string Message { get; private set; } = "";

    public string Code { get; private set; } = "";

    public IActionResult OnGet(int code)
    {
        (Title, Message, Code) = code switch
        {
            StatusCodes.Status403Forbidden => ("You do not have access to this page",
                "Your business function does not give access to this page. Use \"Change business function\" if your role grants another one.", "forbidden"),
            StatusCodes.Status404NotFound => ("Page not found", "Check the address, or go back to your homepage.", "not-found"),
            StatusCodes.Status400BadRequest => ("Sorry, there is a problem", "The request could not be processed. Go back and try again.", "bad-request"),
            StatusCodes.Status503ServiceUnavailable => ("Sorry, the service is busy",
                "Ers cannot reach its session store just now. Nothing you did is lost: wait a moment and try again.", Ers.StoreUnavailableException.Code),
            _ => ("Sorry, there is a problem with the service", "Try again later.", "error-" + code),
        };
        // Only the status-code middleware shows this page; asked for directly it is a 404.
        Response.StatusCode = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null
            ? StatusCodes.Status404NotFound
            : code;
        return Page();
    }
}
