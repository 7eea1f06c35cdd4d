using Ers.Staff;
using Ers.Worklists;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages;

/// <summary>The provider homepage: the organisation's three worklists.</summary>
public sealed class ProviderModel(IGrainFactory grains) : SessionPageModel
{
    public ProviderWorklists Worklists { get; private set; } = new([], [], []);

    public async Task<IActionResult> OnGetAsync()
    {
        if (RequireHomepage(HomepageKind.Provider) is { } elsewhere)
        {
            return elsewhere;
        }

        Worklists = await grains.GetGrain<IOrganisationWorklistGrain>(Session.Role!.OdsCode).GetProviderWorklistsAsync();
        return Page();
    }
}
