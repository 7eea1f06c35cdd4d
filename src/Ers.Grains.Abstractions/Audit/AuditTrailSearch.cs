using System.Runtime.CompilerServices;

namespace Ers.Audit;

/// <summary>Following a search's cursors to its end (an export of a whole result).</summary>
public static class AuditTrailSearch
{
    /// <summary>
    /// Every page of <paramref name="query"/> from its cursor on; a refusal (a bad query) ends the sequence as its only
    /// element, so callers handle one shape.
    /// </summary>
    /// <param name="trail">The trail to search.</param>
    /// <param name="query">The search, with the cursor to start from (null: the first page).</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    public static IAsyncEnumerable<Outcome<AuditPage>> PagesAsync(this IAuditTrail trail, AuditQuery query, CancellationToken cancellationToken = default) =>
        FollowAsync(trail.SearchAsync, query, cancellationToken);

    /// <summary><see cref="PagesAsync"/> over any search function with the meaning of <see cref="IAuditTrail.SearchAsync"/>.</summary>
    /// <param name="search">Answers one page.</param>
    /// <param name="query">The search, with the cursor to start from (null: the first page).</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    public static async IAsyncEnumerable<Outcome<AuditPage>> FollowAsync(
        Func<AuditQuery, CancellationToken, Task<Outcome<AuditPage>>> search,
        AuditQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = query;
        while (true)
        {
            var page = await search(next, cancellationToken);
            yield return page;
            if (page.Value?.NextCursor is not { } cursor)
            {
                yield break;
            }

            next = next with { Cursor = cursor };
        }
    }
}
