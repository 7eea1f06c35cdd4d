namespace Ers.Cluster;

/// <summary>Where audit records are kept.</summary>
public enum AuditStore
{
    /// <summary>A JSON-lines file on this node (<c>Ers:Audit:FilePath</c>): the local run and a single node.</summary>
    File = 0,

    /// <summary>The append-only PostgreSQL table (<c>ConnectionStrings:Audit</c>): a cluster.</summary>
    Postgres = 1,
}
