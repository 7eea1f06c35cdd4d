using System.Text;
using Ers.RegistrationAuthority;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>
/// A bulk directory import in two steps: the uploaded file is previewed (what it would change and which live sessions
/// would end; nothing changes), and only the apply form, carrying the same file and the preview's fingerprint with a
/// reason, changes the directory. The silo decides both (<see cref="IRegistrationAuthorityGrain"/>); the page shows.
/// </summary>
public sealed class DirectoryModel(IGrainFactory grains) : RaPageModel(grains)
{
    // One byte more than the silo's limit is read, so a larger file is the silo's plain refusal, not a cut-off file.
    private const int MaxFileBytes = 1024 * 1024;

    public RaDirectoryPreview? Preview { get; private set; }

    public RaDirectoryApplied? Applied { get; private set; }

    /// <summary>The previewed file, carried by the apply form.</summary>
    public string? DirectoryText { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadActorAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? directory)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        if (directory is null || directory.Length == 0)
        {
            Error = "Choose a staff directory file (JSON) to preview.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        string text;
        await using (var stream = directory.OpenReadStream())
        {
            var buffer = new byte[Math.Min(directory.Length, MaxFileBytes + 1)];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, HttpContext.RequestAborted);
            text = Encoding.UTF8.GetString(buffer, 0, read);
        }

        return await PreviewAsync(text);
    }

    public async Task<IActionResult> OnPostApplyAsync([FromForm] string? directory, [FromForm] string? fingerprint, [FromForm] string? reason)
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var applied = await Ra.ApplyDirectoryImportAsync(directory ?? "", fingerprint ?? "", reason ?? "");
        if (applied.Refusal is { Code: RefusalCodes.RaReasonRequired } missing)
        {
            // The preview again, with the problem beside the reason box.
            var shown = await PreviewAsync(directory ?? "");
            Error = missing.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return shown;
        }

        if (applied.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Applied = applied.Value;
        return Page();
    }

    private async Task<IActionResult> PreviewAsync(string text)
    {
        var preview = await Ra.PreviewDirectoryImportAsync(text);
        if (preview.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Preview = preview.Value;
        DirectoryText = text;
        return Page();
    }
}
