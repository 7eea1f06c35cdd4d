using Ers.RegistrationAuthority;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>
/// Revoking a card: the GET is the confirmation (the card, its holder, what revoking does) with the reason to give;
/// only the POST, with this site's anti-forgery token, revokes.
/// </summary>
public sealed class RevokeCardModel(IGrainFactory grains) : RaPageModel(grains)
{
    public RaCardRow Card { get; private set; } = null!;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string cardId)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var card = await Ra.GetCardAsync(cardId);
        if (card.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Card = card.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string cardId, [FromForm] string? reason)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var revoked = await Ra.RevokeCardAsync(cardId, reason ?? "");
        if (revoked.Refusal is { Code: RefusalCodes.RaReasonRequired } missing && await Ra.GetCardAsync(cardId) is { Value: { } card })
        {
            // The confirmation again, with the problem beside the reason box.
            Card = card;
            Error = missing.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return revoked.Refusal is { } refusal
            ? Refused(refusal)
            : Redirect($"/ra/users/{revoked.Value!.UserId}?revoked={Uri.EscapeDataString(revoked.Value.CardId)}");
    }
}
