using Npgsql;

namespace Ers.Audit.Postgres;

/// <summary>
/// Creates and upgrades the audit schema. Idempotent: every run takes one advisory lock, reads
/// <c>ers_audit.schema_migrations</c> and applies only the missing steps, all in one transaction, so a second run
/// changes nothing and a failed run leaves nothing half applied.
/// </summary>
public sealed class AuditSchemaMigrator(NpgsqlDataSource dataSource)
{
    /// <summary>Applies the missing migrations; with <paramref name="appRole"/>, lets that role only read and append.</summary>
    public async Task<AuditMigrationResult> MigrateAsync(string? appRole = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Taken before anything else, even CREATE ... IF NOT EXISTS, which is not safe against a concurrent twin.
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AuditSchema.MigrationLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {AuditSchema.Schema};
            CREATE TABLE IF NOT EXISTS {AuditSchema.MigrationsTable} (
                version     integer     PRIMARY KEY,
                description text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand($"SELECT version FROM {AuditSchema.MigrationsTable}", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var now = new List<int>();
        foreach (var migration in AuditSchema.Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                $"INSERT INTO {AuditSchema.MigrationsTable} (version, description) VALUES ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Description });
            await record.ExecuteNonQueryAsync(cancellationToken);
            now.Add(migration.Version);
        }

        if (appRole is not null)
        {
            await RequireAppendOnlyAsync(connection, transaction, appRole, cancellationToken);
            // Grants are idempotent; re-stating them on every run also repairs a hand-edited role.
            var role = QuoteIdentifier(appRole);
            await ExecuteAsync(connection, transaction, $"""
                GRANT USAGE ON SCHEMA {AuditSchema.Schema} TO {role};
                GRANT SELECT, INSERT ON {AuditSchema.Table} TO {role};
                REVOKE UPDATE, DELETE, TRUNCATE ON {AuditSchema.Table} FROM {role};
                GRANT SELECT, INSERT ON {AuditSchema.ChainTable} TO {role};
                REVOKE UPDATE, DELETE, TRUNCATE ON {AuditSchema.ChainTable} FROM {role};
                GRANT SELECT ON {AuditSchema.MigrationsTable} TO {role};
                """, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new AuditMigrationResult(now, Math.Max(applied.DefaultIfEmpty(0).Max(), now.DefaultIfEmpty(0).Max()));
    }

    /// <summary>The highest applied version, or 0 when the schema does not exist yet.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        // Two statements: a query naming a table that does not exist fails at parse time, whatever CASE guards it.
        await using var exists = dataSource.CreateCommand($"SELECT to_regclass('{AuditSchema.MigrationsTable}') IS NOT NULL");
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return 0;
        }

        await using var max = dataSource.CreateCommand($"SELECT coalesce(max(version), 0) FROM {AuditSchema.MigrationsTable}");
        return Convert.ToInt32(await max.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Grants and the trigger bind only a role that neither owns the table nor is a superuser: an owner can drop the
    /// append-only trigger, a superuser ignores both. Such an application role is refused, nothing is committed.
    /// </summary>
    private static async Task RequireAppendOnlyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string appRole, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT (SELECT tableowner FROM pg_tables WHERE schemaname = '{AuditSchema.Schema}' AND tablename = 'audit_record') = $1,
                   coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = $1), false),
                   (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '{AuditSchema.Schema}') = $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = appRole });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetBoolean(0) || reader.GetBoolean(2))
        {
            throw new InvalidOperationException(
                $"The application role '{appRole}' owns the audit schema or table, so it could drop the append-only trigger: give them to the migration's role first (ALTER SCHEMA {AuditSchema.Schema} OWNER TO <owner>; ALTER TABLE {AuditSchema.Table} OWNER TO <owner>; ALTER TABLE {AuditSchema.MigrationsTable} OWNER TO <owner>; ALTER FUNCTION {AuditSchema.Schema}.reject_audit_change() OWNER TO <owner>).");
        }

        if (reader.GetBoolean(1))
        {
            throw new InvalidOperationException($"The application role '{appRole}' is a superuser: no grant or trigger binds it. Use a role without SUPERUSER.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
