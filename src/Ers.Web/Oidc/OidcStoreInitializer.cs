using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Ers.Web.Oidc;

/// <summary>
/// Before the node serves: creates the provider's tables when they are missing and registers the configured
/// applications. On PostgreSQL every web node does it under one advisory lock, so nodes starting together neither
/// create the tables twice nor register an application twice; tables that exist are left as they are.
/// </summary>
public sealed partial class OidcStoreInitializer(IServiceProvider services, IOptions<OidcOptions> options, ILogger<OidcStoreInitializer> logger) : IHostedService
{
    // Any fixed 64-bit number, the same on every node: "ers-oidc" in ASCII.
    private const long SchemaLock = 0x6572732d6f696463;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var oidc = options.Value;
        if (oidc.Store == OidcStoreKind.Sqlite && Path.GetDirectoryName(Path.GetFullPath(oidc.SqlitePath!)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OidcDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var postgres = oidc.Store == OidcStoreKind.Postgres;
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({SchemaLock})", cancellationToken);
            }

            try
            {
                if (!await TablesExistAsync(db, postgres, cancellationToken))
                {
                    await db.GetService<IRelationalDatabaseCreator>().CreateTablesAsync(cancellationToken);
                    LogTablesCreated(oidc.Store);
                }

                var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
                foreach (var client in oidc.Clients)
                {
                    await OidcClientRegistration.UpsertAsync(applications, client, cancellationToken);
                }

                LogClientsRegistered(oidc.Clients.Count);
            }
            finally
            {
                if (postgres)
                {
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({SchemaLock})", CancellationToken.None);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<bool> TablesExistAsync(OidcDbContext db, bool postgres, CancellationToken cancellationToken)
    {
        var sql = postgres
            ? "SELECT CASE WHEN to_regclass('\"OpenIddictApplications\"') IS NULL THEN 0 ELSE 1 END AS \"Value\""
            : "SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'OpenIddictApplications'";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken) > 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect store: tables created ({Store})")]
    private partial void LogTablesCreated(OidcStoreKind store);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect store: {Count} configured applications registered")]
    private partial void LogClientsRegistered(int count);
}
