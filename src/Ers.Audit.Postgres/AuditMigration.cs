namespace Ers.Audit.Postgres;

/// <summary>One step of the audit schema. Versions only ever grow; an applied step is never edited.</summary>
public sealed record AuditMigration(int Version, string Description, string Sql);
