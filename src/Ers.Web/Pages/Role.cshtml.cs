using Ers.Api;
using Ers.Sessions;
using Ers.Staff;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ers.Web.Pages;

/// <summary>
/// Choosing the session's role in the browser, as CIS2 does: the agent opened this browser for a session still
/// awaiting its role (an agent running as a desktop service has no terminal to ask in). Up to
/// <see cref="RoleSearch.ListLimit"/> roles are one list; more get a search (role name, organisation, ODS code)
/// that shrinks the list as the user types, and works without script through <c>?q=</c>. The session grain decides
/// (a role the user does not hold is refused and audited there); a role is chosen once.
/// </summary>
public sealed class RoleModel(IGrainFactory grains, SessionView view) : SessionPageModel
{
    public IReadOnlyList<RoleProfile> Roles { get; private set; } = [];

    public IReadOnlyList<RoleProfile> Shown { get; private set; } = [];

    public string? Query { get; private set; }

    public string? Error { get; private set; }

    public bool Searchable => Roles.Count > RoleSearch.ListLimit;

    public IActionResult OnGet([FromQuery] string? q)
    {
        if (Session.Role is not null)
        {
            return Redirect("/business-function");
        }

        Show(q);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? roleProfileId, [FromForm] string? q)
    {
        if (Session.Role is not null)
        {
            return Redirect("/business-function");
        }

        Show(q);
        if (string.IsNullOrWhiteSpace(roleProfileId))
        {
            return Problem("Choose a role.");
        }

        var outcome = await grains.GetGrain<ISessionGrain>(Session.SessionId).SelectRoleAsync(roleProfileId);
        if (outcome.Refusal is { } refusal)
        {
            switch (refusal.Code)
            {
                case RefusalCodes.SessionEnded or RefusalCodes.SessionUnknown:
                    await view.RefreshAsync(Session.SessionId);
                    return Redirect("/");
                case RefusalCodes.RoleAlreadyChosen:
                    // Chosen meanwhile (another tab): that choice stands.
                    await view.RefreshAsync(Session.SessionId);
                    return Redirect("/business-function");
                default:
                    return Problem(refusal.Message);
            }
        }

        view.Apply(outcome.Value!);
        // An application's sign-in waiting on this login resumes now that the session has its role.
        return Redirect(Oidc.OidcReturn.Take(HttpContext) ?? "/business-function");
    }

    private void Show(string? q)
    {
        Roles = Session.AvailableRoles;
        Query = Searchable && !string.IsNullOrWhiteSpace(q) ? q.Trim() : null;
        Shown = Searchable ? RoleSearch.Filter(Roles, Query, r => (r.JobRoleName, r.OrganisationName, r.OdsCode)) : Roles;
    }

    private PageResult Problem(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
