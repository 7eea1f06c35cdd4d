using System.Globalization;
using Ers.RegistrationAuthority;

namespace Ers.Web.Apis;

/// <summary>
/// Reads an audit search's filters from a query string (the RA console's form and <c>/api/admin/v1/audit</c>): times
/// are ISO 8601; one without an offset (what a browser's date-time input sends) is UTC. Only the reading is here; the
/// scope and the search's own rules are the silo's.
/// </summary>
public static class RaAuditInput
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    /// <summary>The filter, or the plain sentence saying what could not be read.</summary>
    /// <param name="query">The request's query string.</param>
    /// <param name="export">Whether the pages are for an export.</param>
    public static (RaAuditFilter? Filter, string? Error) Read(IQueryCollection query, bool export = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Time(query["from"], out var from) || !Time(query["to"], out var to))
        {
            return (null, "Give the times as a date and time, such as 2026-12-02T09:30 (UTC).");
        }

        int? pageSize = null;
        if (Text(query["pageSize"]) is { } size)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return (null, "Give the page size as a whole number.");
            }

            pageSize = n;
        }

        var filter = new RaAuditFilter(
            Text(query["user"] is { Count: > 0 } u ? u : query["userId"]),
            Text(query["session"] is { Count: > 0 } s ? s : query["sessionId"]),
            Text(query["card"] is { Count: > 0 } c ? c : query["cardId"]),
            Text(query["workstation"] is { Count: > 0 } w ? w : query["workstationId"]),
            Text(query["ods"] is { Count: > 0 } o ? o : query["odsCode"]),
            from, to, Text(query["cursor"]), pageSize, export);
        return (filter, null);
    }

    /// <summary>The query string of a filter's search (the next page's link, the download link).</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cursor">The cursor to add, if any.</param>
    public static string QueryOf(RaAuditFilter filter, string? cursor = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var pairs = new List<KeyValuePair<string, string?>>
        {
            new("user", filter.UserId), new("session", filter.SessionId), new("card", filter.CardId),
            new("workstation", filter.WorkstationId), new("ods", filter.OdsCode),
            new("from", filter.From?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            new("to", filter.To?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            new("pageSize", filter.PageSize?.ToString(CultureInfo.InvariantCulture)), new("cursor", cursor),
        };
        return Microsoft.AspNetCore.Http.QueryString.Create(pairs.Where(p => !string.IsNullOrEmpty(p.Value))).Value ?? "";
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString().Trim();

    private static bool Time(Microsoft.Extensions.Primitives.StringValues value, out DateTimeOffset? time)
    {
        time = null;
        if (Text(value) is not { } text)
        {
            return true;
        }

        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var local))
        {
            time = new DateTimeOffset(local, TimeSpan.Zero);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var zoned) && text.Contains('T', StringComparison.Ordinal))
        {
            time = zoned;
            return true;
        }

        return false;
    }
}
