using Npgsql;

namespace Ers.Audit.Postgres;

/// <summary>Recomputes every link of every chain (<see cref="AuditChain"/>) from the records as stored now.</summary>
public sealed class AuditTrailVerifier(NpgsqlDataSource dataSource, AuditChain chain)
{
    public const int MaxProblems = 20;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        long links = 0;
        var chains = 0;
        var columns = string.Join(", ", PostgresAuditTrail.Columns.Split(", ").Select(c => "r." + c));
        await using (var command = dataSource.CreateCommand(
            $"SELECT c.chain, c.seq, c.prev_hash, c.hash, {columns} FROM {AuditSchema.ChainTable} c JOIN {AuditSchema.Table} r ON r.id = c.record_id ORDER BY c.chain, c.seq"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            Guid? current = null;
            long expected = 0;
            var head = AuditChain.Genesis;
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                var sequence = reader.GetInt64(1);
                var previous = reader.GetFieldValue<byte[]>(2);
                var hash = reader.GetFieldValue<byte[]>(3);
                var record = PostgresAuditTrail.Read(reader, offset: 4);
                if (id != current)
                {
                    current = id;
                    chains++;
                    expected = 1;
                    head = AuditChain.Genesis;
                }

                void Problem(string what)
                {
                    if (problems.Count < MaxProblems)
                    {
                        problems.Add($"chain {id} link {sequence} (record {record.Id}, {record.Event} at {record.Time:O}): {what}");
                    }
                }

                if (sequence != expected)
                {
                    Problem(expected == 1 ? $"the chain starts at link {sequence}: links 1 to {sequence - 1} are missing" : $"links {expected} to {sequence - 1} are missing");
                }
                else if (!previous.AsSpan().SequenceEqual(head))
                {
                    Problem("it does not follow the link before it");
                }

                if (!chain.Link(id, sequence, previous, record).AsSpan().SequenceEqual(hash))
                {
                    Problem("the record is not the one that was linked (changed since it was stored, or linked with another key)");
                }

                head = hash;
                expected = sequence + 1;
                links++;
            }
        }

        await using var unchained = dataSource.CreateCommand($"""
            SELECT count(*) FILTER (WHERE r.time < m.applied_at), count(*) FILTER (WHERE r.time >= m.applied_at)
            FROM {AuditSchema.Table} r
            CROSS JOIN (SELECT applied_at FROM {AuditSchema.MigrationsTable} WHERE version = 2) m
            WHERE NOT EXISTS (SELECT 1 FROM {AuditSchema.ChainTable} c WHERE c.record_id = r.id)
            """);
        await using var counts = await unchained.ExecuteReaderAsync(cancellationToken);
        var (before, since) = await counts.ReadAsync(cancellationToken) ? (counts.GetInt64(0), counts.GetInt64(1)) : (0L, 0L);
        return new AuditVerification(links, chains, problems, before, since);
    }
}
