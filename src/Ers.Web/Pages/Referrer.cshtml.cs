using Ers.Staff;
using Ers.Worklists;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages;

/// <summary>The referrer dashboard: referrals made by the user (default) or by their organisation.</summary>
public sealed class ReferrerModel(IGrainFactory grains) : SessionPageModel
{
    public ReferralScope Scope { get; private set; } = ReferralScope.Me;

    public IReadOnlyList<ReferralSummary> Referrals { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery] string? show)
    {
        if (RequireHomepage(HomepageKind.Referrer) is { } elsewhere)
        {
            return elsewhere;
        }

        Scope = show == "organisation" ? ReferralScope.MyOrganisation : ReferralScope.Me;
        // The organisation comes from the session role, never from the request.
        Referrals = await grains.GetGrain<IOrganisationWorklistGrain>(Session.Role!.OdsCode)
            .GetReferralsAsync(Scope, Session.UserId, Session.UserName);
        return Page();
    }
}
