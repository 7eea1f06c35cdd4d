using Ers.Cards;
using Ers.RegistrationAuthority;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>A user in the RA console: role profiles, live sessions in the RA's organisations, cards; end sessions.</summary>
public sealed class UserModel(IGrainFactory grains) : RaPageModel(grains)
{
    public RaUserView View { get; private set; } = null!;

    /// <summary>How many sessions the action just before ended (shown once, from the redirect's query).</summary>
    public int? Ended { get; private set; }

    public string? RevokedCard { get; private set; }

    /// <summary>The unblock order the action just before made (the page then says what the RA does next).</summary>
    public UnblockOrder? UnblockOrder { get; private set; }

    public string? UnblockCard { get; private set; }

    public async Task<IActionResult> OnGetAsync(string userId, [FromQuery] int? ended, [FromQuery] string? revoked)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var view = await Ra.GetUserAsync(userId);
        if (view.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        View = view.Value!;
        Ended = ended;
        RevokedCard = revoked;
        return Page();
    }

    public async Task<IActionResult> OnPostEndSessionAsync(string userId, [FromForm] string? sessionId, [FromForm] string? reason)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var ended = await Ra.EndSessionAsync(sessionId ?? "", reason ?? "");
        return ended.Refusal is { } refusal ? Refused(refusal) : Redirect($"/ra/users/{userId}?ended={ended.Value!.SessionIds.Count}");
    }

    public async Task<IActionResult> OnPostEndAllAsync(string userId, [FromForm] string? reason)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var ended = await Ra.EndUserSessionsAsync(userId, reason ?? "");
        return ended.Refusal is { } refusal ? Refused(refusal) : Redirect($"/ra/users/{userId}?ended={ended.Value!.SessionIds.Count}");
    }

    public async Task<IActionResult> OnPostUnblockAsync(string userId, [FromForm] string? cardId)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var order = await Ra.AuthorizeUnblockAsync(cardId ?? "");
        if (order.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        // The user's page again with what to do next (not a redirect: the order's workstation and expiry are shown once).
        var view = await Ra.GetUserAsync(userId);
        if (view.Refusal is { } hidden)
        {
            return Refused(hidden);
        }

        View = view.Value!;
        UnblockOrder = order.Value;
        UnblockCard = cardId;
        return Page();
    }
}
