using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Oidc.Store;

/// <summary>How a host (a web node, <c>ers oidc</c>) opens the store: PostgreSQL by connection string, or a SQLite file.</summary>
public static class OidcStore
{
    /// <param name="db">The context's options.</param>
    /// <param name="kind">Which database.</param>
    /// <param name="location">The PostgreSQL connection string, or the SQLite file's path.</param>
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder db, OidcStoreKind kind, string location)
    {
        if (kind == OidcStoreKind.Postgres)
        {
            db.UseNpgsql(location);
        }
        else
        {
            var path = Path.GetFullPath(location);
            if (Path.GetDirectoryName(path) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            db.UseSqlite(new SqliteConnectionStringBuilder { DataSource = path }.ToString()).AddInterceptors(SqliteConnectionSettings.Instance);
        }

        return db.UseOpenIddict();
    }

    /// <summary>The store and OpenIddict's managers over it, for a host without the server (the <c>ers</c> command).</summary>
    /// <param name="services">Where to register them.</param>
    /// <param name="kind">Which database.</param>
    /// <param name="location">The PostgreSQL connection string, or the SQLite file's path.</param>
    public static IServiceCollection AddOidcStore(this IServiceCollection services, OidcStoreKind kind, string location)
    {
        services.AddLogging();
        services.AddDbContext<OidcDbContext>(db => Use(db, kind, location));
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<OidcDbContext>());
        return services;
    }
}
