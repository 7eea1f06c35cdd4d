using Microsoft.EntityFrameworkCore;

namespace Ers.Oidc.Store;

/// <summary>
/// The provider's store (OpenIddict's applications, authorizations, scopes and tokens tables), on PostgreSQL in
/// production and SQLite on the embedded run. Its tables are created by <see cref="OidcSchema"/> (at every web node's start, and by <c>ers oidc</c>).
/// </summary>
public sealed class OidcDbContext(DbContextOptions<OidcDbContext> options) : DbContext(options);
