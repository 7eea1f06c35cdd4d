using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ers.Oidc.Store;

/// <summary>
/// Creates the provider's tables when they are missing, then runs <c>whileLocked</c> (registering applications). On
/// PostgreSQL it holds one advisory lock throughout, so web nodes (and <c>ers oidc</c>) starting together neither
/// create the tables twice nor register an application twice; tables that exist are left as they are.
/// </summary>
public static class OidcSchema
{
    // Any fixed 64-bit number, the same everywhere: "ers-oidc" in ASCII.
    private const long Lock = 0x6572732d6f696463;

    /// <summary>Answers whether this call created the tables.</summary>
    /// <param name="db">A context on the store (its connection is held open while locked).</param>
    /// <param name="whileLocked">Runs under the lock, after the tables exist.</param>
    /// <param name="cancellationToken">Cancels the wait and the work.</param>
    public static async Task<bool> EnsureAsync(OidcDbContext db, Func<Task> whileLocked, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({Lock})", cancellationToken);
            }
            else
            {
                // Write-ahead logging (kept in the file once set): a token request's write neither waits on nor fails
                // concurrent reads, where the default rollback journal answered "database is locked" to 8 requests at
                // once (perf/Ers.Benchmarks/TokenThroughput.cs).
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", cancellationToken);
            }

            try
            {
                var created = false;
                if (!await TablesExistAsync(db, postgres, cancellationToken))
                {
                    await db.GetService<IRelationalDatabaseCreator>().CreateTablesAsync(cancellationToken);
                    created = true;
                }

                await whileLocked();
                return created;
            }
            finally
            {
                if (postgres)
                {
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({Lock})", CancellationToken.None);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<bool> TablesExistAsync(OidcDbContext db, bool postgres, CancellationToken cancellationToken)
    {
        var sql = postgres
            ? "SELECT CASE WHEN to_regclass('\"OpenIddictApplications\"') IS NULL THEN 0 ELSE 1 END AS \"Value\""
            : "SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'OpenIddictApplications'";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken) > 0;
    }
}
