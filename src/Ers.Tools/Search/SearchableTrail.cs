using Ers.Audit;
using Ers.Audit.Postgres;
using Ers.Grains.Audit;
using Npgsql;

namespace Ers.Tools.Search;

/// <summary>
/// The read side of a trail for <c>ers audit search</c>: a file is only read (a running host may be appending to it),
/// a PostgreSQL data source is disposed with the command.
/// </summary>
internal sealed class SearchableTrail : IAsyncDisposable
{
    private readonly Func<AuditQuery, CancellationToken, Task<Outcome<AuditPage>>> _search;
    private readonly IAsyncDisposable? _owned;

    private SearchableTrail(Func<AuditQuery, CancellationToken, Task<Outcome<AuditPage>>> search, IAsyncDisposable? owned)
    {
        _search = search;
        _owned = owned;
    }

    public static SearchableTrail OfFile(string path) => new((q, c) => FileAuditTrail.SearchFileAsync(path, q, c), null);

    public static SearchableTrail OfPostgres(string connectionString)
    {
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = PostgresAuditTrail.CreateDataSource(connectionString);
        }
        catch (ArgumentException)
        {
            // Npgsql's message may quote the string, and with it a password.
            throw new Commands.CommandException("The connection string is not valid Npgsql syntax (Host=...;Database=...;Username=...).");
        }

        var trail = new PostgresAuditTrail(dataSource);
        return new SearchableTrail(trail.SearchAsync, new Owned(trail, dataSource));
    }

    /// <summary>Every page from the query's cursor on (<see cref="AuditTrailSearch.FollowAsync"/>).</summary>
    public IAsyncEnumerable<Outcome<AuditPage>> PagesAsync(AuditQuery query, CancellationToken cancellationToken) =>
        AuditTrailSearch.FollowAsync(_search, query, cancellationToken);

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;

    private sealed class Owned(PostgresAuditTrail trail, NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            trail.Dispose();
            await dataSource.DisposeAsync();
        }
    }
}
