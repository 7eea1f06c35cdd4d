using Ers.Audit;
using Ers.RegistrationAuthority;
using Ers.Web.Apis;
using Microsoft.AspNetCore.Mvc;

namespace Ers.Web.Pages.Ra;

/// <summary>
/// The audit search of the RA's organisation: the filters, one page of records and the next page by its cursor, and
/// the same search as FHIR AuditEvent NDJSON. The RA grain scopes (the RA role's ODS code), validates and audits it.
/// </summary>
public sealed class AuditModel(IGrainFactory grains) : RaPageModel(grains)
{
    public RaAuditFilter Filter { get; private set; } = new();

    public AuditPage? Results { get; private set; }

    /// <summary>Why the filters could not be searched (a plain sentence; the page is a 400).</summary>
    public string? Error { get; private set; }

    public string DownloadLink => "/ra/audit?handler=Fhir" + RaAuditInput.QueryOf(Filter).Replace('?', '&');

    public string? NextLink => Results?.NextCursor is { } cursor ? "/ra/audit" + RaAuditInput.QueryOf(Filter, cursor) : null;

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var (filter, error) = RaAuditInput.Read(Request.Query);
        if (filter is null)
        {
            return Invalid(error!);
        }

        Filter = filter with { Cursor = null };
        var page = await Ra.SearchAuditAsync(filter);
        if (page.Refusal is { } refusal)
        {
            return refusal.Code.StartsWith("audit-search.", StringComparison.Ordinal) ? Invalid(refusal.Message) : Refused(refusal);
        }

        Results = page.Value;
        return Page();
    }

    public async Task<IActionResult> OnGetFhirAsync()
    {
        if (!await LoadActorAsync())
        {
            return Page();
        }

        var (filter, error) = RaAuditInput.Read(Request.Query, export: true);
        if (filter is null)
        {
            return Invalid(error!);
        }

        Filter = filter with { Cursor = null, Export = false };
        var refusal = await RaAuditExport.WriteAsync(Ra, Filter, Response);
        if (refusal is null)
        {
            return new EmptyResult();
        }

        return refusal.Code.StartsWith("audit-search.", StringComparison.Ordinal) ? Invalid(refusal.Message) : Refused(refusal);
    }

    private IActionResult Invalid(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
