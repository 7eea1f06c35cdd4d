using Ers.Oidc.Store;

namespace Ers.Web.Oidc;

/// <summary>
/// Ers as an OpenID Connect provider (section <c>Ers:Oidc</c>): where its state lives, the keys its tokens are signed
/// and encrypted with, and the applications registered by configuration.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Ers:Oidc";

    /// <summary>The connection string name (<c>ConnectionStrings:Oidc</c>) of the PostgreSQL store.</summary>
    public const string ConnectionStringName = "Oidc";

    /// <summary>Off: no <c>/connect</c> endpoints, no store, no keys read.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// <c>Postgres</c> (production: <c>ConnectionStrings:Oidc</c>, shared by every web node) or <c>Sqlite</c> (the
    /// embedded local run: one web node, the file <see cref="SqlitePath"/>).
    /// </summary>
    public OidcStoreKind Store { get; set; } = OidcStoreKind.Sqlite;

    /// <summary>The SQLite file of the embedded run (created with its folder when missing).</summary>
    public string? SqlitePath { get; set; }

    /// <summary>The PostgreSQL connection string (bound from <c>ConnectionStrings:Oidc</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// PEM files of RSA private keys (PKCS#8 or PKCS#1) that sign identity and access tokens. The first signs; all are
    /// published in the JWKS, so a new key is added first (second place), the old one removed after the tokens it
    /// signed expired: a rotation logs nobody out.
    /// </summary>
    public List<string> SigningKeyFiles { get; set; } = [];

    /// <summary>PEM files of RSA private keys that encrypt access tokens and the server's own codes; the first encrypts.</summary>
    public List<string> EncryptionKeyFiles { get; set; } = [];

    /// <summary>The issuer URL; empty means the URL the request came to (behind the ingress: its public host).</summary>
    public string? Issuer { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Bounded by the session anyway: a refresh for an ended card session is refused.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Applications registered by configuration; created or brought up to date in the store at start.</summary>
    public List<OidcClientOptions> Clients { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (Store == OidcStoreKind.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{Section}:Store is Postgres but ConnectionStrings:{ConnectionStringName} is empty.";
        }

        if (Store == OidcStoreKind.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return $"{Section}:Store is Sqlite but {Section}:SqlitePath is empty.";
        }

        foreach (var problem in OidcKeys.Check(SigningKeyFiles, $"{Section}:SigningKeyFiles").Concat(OidcKeys.Check(EncryptionKeyFiles, $"{Section}:EncryptionKeyFiles")))
        {
            yield return problem;
        }

        if (!string.IsNullOrEmpty(Issuer) && !(Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) && issuer.Scheme == Uri.UriSchemeHttps))
        {
            yield return $"{Section}:Issuer must be an absolute https URL.";
        }

        foreach (var lifetime in new[] { AccessTokenLifetime, IdentityTokenLifetime, AuthorizationCodeLifetime, RefreshTokenLifetime })
        {
            if (lifetime <= TimeSpan.Zero)
            {
                yield return $"{Section}: token lifetimes must be positive.";
                break;
            }
        }

        foreach (var duplicate in Clients.GroupBy(c => c.ClientId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"{Section}:Clients names the client id '{duplicate.Key}' more than once.";
        }

        for (var i = 0; i < Clients.Count; i++)
        {
            foreach (var problem in Clients[i].Validate($"{Section}:Clients:{i}"))
            {
                yield return problem;
            }
        }
    }
}
