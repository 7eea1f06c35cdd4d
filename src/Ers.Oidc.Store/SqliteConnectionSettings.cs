using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Ers.Oidc.Store;

/// <summary>
/// Per-connection settings of the SQLite store, run each time EF Core opens a connection. Without them a write that
/// meets another write is left to Microsoft.Data.Sqlite's own retry, which sleeps its thread between attempts (one
/// INSERT took 151 ms): sixteen token requests at once held the thread pool long enough that the in-process silo
/// answered a session lookup after the web's one-second budget, and the token endpoint answered 503
/// (tests/Ers.Web.Tests/Oidc/OidcProviderTests.cs, sixteen applications, one run in eight).
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    // busy_timeout: SQLite's own wait for the one writer, in short steps, up to five seconds before "database is locked".
    // synchronous=NORMAL: with write-ahead logging (OidcSchema) a commit no longer waits for the disk; a process that
    // dies loses nothing it committed, only a power cut can take back the last commits (SQLite's documented WAL trade).
    private const string Pragmas = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
