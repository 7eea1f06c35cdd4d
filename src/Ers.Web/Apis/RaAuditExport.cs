using Ers.Audit;
using Ers.Audit.Fhir;
using Ers.RegistrationAuthority;

namespace Ers.Web.Apis;

/// <summary>
/// Streams every page of an RA's audit search as FHIR AuditEvent NDJSON, asking the RA grain page by page (which
/// scopes, validates and audits the search once). A refusal of the first page is returned before anything is written.
/// </summary>
public static class RaAuditExport
{
    /// <summary>The first page's refusal (nothing written), or null once every page has been written.</summary>
    /// <param name="ra">The RA grain of the caller's session.</param>
    /// <param name="filter">The search, without a cursor.</param>
    /// <param name="response">Where the lines go.</param>
    public static async Task<Refusal?> WriteAsync(IRegistrationAuthorityGrain ra, RaAuditFilter filter, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(ra);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(response);
        var first = true;
        var pages = AuditTrailSearch.FollowAsync(
            (query, _) => ra.SearchAuditAsync(filter with { Cursor = query.Cursor, Export = true }), new AuditQuery(), response.HttpContext.RequestAborted);
        await foreach (var page in pages)
        {
            if (page.Refusal is { } refusal)
            {
                // After the first page the cursors are the trail's own; a refusal then ends the download short.
                return first ? refusal : null;
            }

            if (first)
            {
                response.ContentType = FhirAuditExport.MediaType;
                response.Headers.ContentDisposition = "attachment; filename=\"ers-audit.ndjson\"";
                first = false;
            }

            await using var writer = new StreamWriter(response.Body, leaveOpen: true);
            await FhirAuditExport.WriteNdjsonAsync(page.Value!.Records, writer, cancellationToken: response.HttpContext.RequestAborted);
        }

        return null;
    }
}
