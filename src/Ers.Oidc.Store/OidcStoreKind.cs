namespace Ers.Oidc.Store;

/// <summary>Where the OpenID Connect provider keeps its applications, authorizations and tokens.</summary>
public enum OidcStoreKind
{
    /// <summary>A SQLite file: the embedded local run, one web node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: production, shared by every web node.</summary>
    Postgres,
}
