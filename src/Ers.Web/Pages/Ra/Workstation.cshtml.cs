using Ers.RegistrationAuthority;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>A workstation in the RA console: its live sessions in the RA's organisations, each of which can be ended.</summary>
public sealed class WorkstationModel(IGrainFactory grains) : RaPageModel(grains)
{
    public RaWorkstationView View { get; private set; } = null!;

    public int? Ended { get; private set; }

    public async Task<IActionResult> OnGetAsync(string workstationId, [FromQuery] int? ended)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var view = await Ra.GetWorkstationAsync(workstationId);
        if (view.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        View = view.Value!;
        Ended = ended;
        return Page();
    }

    public async Task<IActionResult> OnPostEndSessionAsync(string workstationId, [FromForm] string? sessionId, [FromForm] string? reason)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var ended = await Ra.EndSessionAsync(sessionId ?? "", reason ?? "");
        return ended.Refusal is { } refusal
            ? Refused(refusal)
            : Redirect($"/ra/workstations/{Uri.EscapeDataString(workstationId)}?ended={ended.Value!.SessionIds.Count}");
    }
}
