using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>The RA console's start: find a user by user ID, or a workstation by its ID.</summary>
public sealed class IndexModel(IGrainFactory grains) : RaPageModel(grains)
{
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] string? user, [FromQuery] string? workstation)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        if (user is not null)
        {
            var id = user.Trim();
            if (id.Length == 12 && id.All(char.IsAsciiDigit))
            {
                return Redirect("/ra/users/" + id);
            }

            Error = "Enter a user ID of 12 digits, for example 555294209105.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else if (!string.IsNullOrWhiteSpace(workstation))
        {
            return Redirect("/ra/workstations/" + Uri.EscapeDataString(workstation.Trim()));
        }

        return Page();
    }
}
