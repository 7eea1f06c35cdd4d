using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>The RA console's start: find a user by user ID or name, or a workstation by its ID.</summary>
public sealed class IndexModel(IGrainFactory grains) : RaPageModel(grains)
{
    public string? Error { get; private set; }

    /// <summary>The users a name search found in the RA's organisations (null: no name search).</summary>
    public IReadOnlyList<Ers.Staff.StaffIndexEntry>? Found { get; private set; }

    public string? Query { get; private set; }

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

            var found = await Ra.FindUsersAsync(id);
            if (found.Refusal is { Code: RefusalCodes.RaSearchText } text)
            {
                Error = text.Message;
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
            else if (found.Refusal is { } refusal)
            {
                return Refused(refusal);
            }
            else
            {
                Query = id;
                Found = found.Value;
            }
        }
        else if (!string.IsNullOrWhiteSpace(workstation))
        {
            return Redirect("/ra/workstations/" + Uri.EscapeDataString(workstation.Trim()));
        }

        return Page();
    }
}
