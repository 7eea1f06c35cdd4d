using System.Runtime.CompilerServices;

namespace Ers.Audit;

/// <summary>Following a search's cursors to its end (an export of a whole result).</summary>
public static class AuditTrailSearch
{
    /// <summary>
    /// Every page of <paramref name="query"/> from its cursor on; the first refusal (a bad query) ends the sequence as
    /// its only element, so callers handle one shape.
    /// </summary>
    public static async IAsyncEnumerable<Outcome<AuditPage>> PagesAsync(
        this IAuditTrail trail, AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = query;
        while (true)
        {
            var page = await trail.SearchAsync(next, cancellationToken);
            yield return page;
            if (page.Value?.NextCursor is not { } cursor)
            {
                yield break;
            }

            next = next with { Cursor = cursor };
        }
    }
}
