namespace Ers.Audit.Postgres;

/// <summary>What one migrator run did.</summary>
public sealed record AuditMigrationResult(IReadOnlyList<int> Applied, int Version);
