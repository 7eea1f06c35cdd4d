using Microsoft.EntityFrameworkCore;

namespace Ers.Web.Oidc;

/// <summary>
/// The provider's store (OpenIddict's applications, authorizations, scopes and tokens tables), on PostgreSQL in
/// production and SQLite on the embedded run. Its tables are created by <see cref="OidcStoreInitializer"/>.
/// </summary>
public sealed class OidcDbContext(DbContextOptions<OidcDbContext> options) : DbContext(options);
