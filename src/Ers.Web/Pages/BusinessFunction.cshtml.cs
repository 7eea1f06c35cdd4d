using Ers.Sessions;
using Ers.Staff;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages;

/// <summary>
/// Journey step 6: the business function to work in, among those the session role grants. Exactly one goes
/// straight to its homepage; none says so (or, for an RA role profile, goes to the RA console); several are a
/// drop-down. The grain decides what is granted.
/// </summary>
public sealed class BusinessFunctionModel(IGrainFactory grains, SessionView view) : SessionPageModel
{
    public IReadOnlyList<BusinessFunctionInfo> Granted { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] bool change = false)
    {
        if (Session.Role is null)
        {
            return Redirect("/role");
        }

        Granted = Session.GrantedFunctions;
        if (Granted.Count == 0 && (await grains.GetGrain<Ers.RegistrationAuthority.IRegistrationAuthorityGrain>(Session.SessionId).GetContextAsync()).IsSuccess)
        {
            // An RA role profile grants no e-RS business function: its work is the RA console.
            return Redirect("/ra");
        }

        if (Granted.Count == 1)
        {
            return Session.Function == Granted[0].Function ? Redirect("/home") : await SelectAsync(Granted[0].Function);
        }

        return Granted.Count > 1 && Session.Function is not null && !change ? Redirect("/home") : Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm] BusinessFunction? function)
    {
        Granted = Session.GrantedFunctions;
        if (function is not { } chosen || !Enum.IsDefined(chosen))
        {
            Error = "Choose a business function.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return await SelectAsync(chosen);
    }

    private async Task<IActionResult> SelectAsync(BusinessFunction function)
    {
        var outcome = await grains.GetGrain<ISessionGrain>(Session.SessionId)
            .SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, function);
        if (outcome.Refusal is { } refusal)
        {
            if (refusal.Code == RefusalCodes.SessionEnded)
            {
                await view.RefreshAsync(Session.SessionId);
                return Redirect("/");
            }

            Error = refusal.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        view.Apply(outcome.Value!);
        return Redirect("/home");
    }
}
