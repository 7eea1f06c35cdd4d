using Ers.RegistrationAuthority;
using Ers.Web.Apis;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>
/// A page of the RA console. Everything it shows or does goes through the RA grain of the request's own session
/// (the cookie handler validated it), which decides and audits; a refusal is this page with a plain sentence, its code
/// and the refusal's status (403 outside the RA's permissions or organisations).
/// </summary>
public abstract class RaPageModel(IGrainFactory grains) : SessionPageModel
{
    /// <summary>Who is acting, once <see cref="LoadActorAsync"/> succeeded.</summary>
    public RaContext Actor { get; private set; } = null!;

    /// <summary>Why the page shows no content, when it was refused.</summary>
    public Refusal? Refusal { get; private set; }

    protected IRegistrationAuthorityGrain Ra => grains.GetGrain<IRegistrationAuthorityGrain>(Session.SessionId);

    /// <summary>Reads who is acting; false (and the page is a refusal) when the session is not an RA's.</summary>
    protected async Task<bool> LoadActorAsync()
    {
        var context = await Ra.OpenAsync();
        if (context.Refusal is { } refusal)
        {
            Refused(refusal);
            return false;
        }

        Actor = context.Value!;
        return true;
    }

    /// <summary>The page as a refusal.</summary>
    protected IActionResult Refused(Refusal refusal)
    {
        Refusal = refusal;
        Response.StatusCode = RaRefusalStatus.For(refusal.Code);
        return Page();
    }
}
