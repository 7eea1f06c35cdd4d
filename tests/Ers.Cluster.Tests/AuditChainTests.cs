using System.Security.Cryptography;
using Ers.Audit;
using Ers.Audit.Postgres;
using Npgsql;

namespace Ers.Cluster.Tests;

/// <summary>
/// The hash chain over the PostgreSQL audit trail (issue 13, defect 10) on a real PostgreSQL 15: what two writers
/// store verifies; a record changed or removed behind the triggers' back (by the owner, who can disable them), one
/// inserted around the writers, or a check with another key is reported, naming the record.
/// </summary>
public sealed class AuditChainTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 30, 0, TimeSpan.Zero);
    private readonly AuditChain _chain = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task What_two_writers_store_verifies_as_two_intact_chains_and_a_retried_record_is_linked_once()
    {
        await using var db = await MigratedAsync();
        using (var a = new PostgresAuditTrail(db, chain: _chain))
        using (var b = new PostgresAuditTrail(db, chain: _chain))
        {
            var retried = Record(0);
            await Task.WhenAll(Enumerable.Range(1, 40).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Record(i))));
            await a.AppendAsync(retried);
            await a.AppendAsync(retried);
        }

        var result = await new AuditTrailVerifier(db, _chain).VerifyAsync();

        Assert.True(result.Intact, result.Describe(keyed: true));
        Assert.Equal((41, 2), (result.Links, result.Chains));
    }

    [Fact]
    public async Task A_record_changed_by_the_owner_behind_the_trigger_is_found_and_named()
    {
        await using var db = await MigratedAsync();
        var changed = Record(3);
        await AppendAsync(db, [Record(1), Record(2), changed, Record(4)]);

        await ExecuteAsync(db, $"""
            ALTER TABLE {AuditSchema.Table} DISABLE TRIGGER audit_record_no_update_delete;
            UPDATE {AuditSchema.Table} SET outcome = 'Success', reason = NULL WHERE id = '{changed.Id}';
            """);
        var result = await new AuditTrailVerifier(db, _chain).VerifyAsync();

        Assert.False(result.Intact);
        var problem = Assert.Single(result.Problems);
        Assert.Contains(changed.Id.ToString(), problem, StringComparison.Ordinal);
        Assert.Contains("not the one that was linked", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_removed_with_its_link_leaves_a_gap_and_one_inserted_around_the_writers_has_no_link()
    {
        await using var db = await MigratedAsync();
        var removed = Record(2);
        await AppendAsync(db, [Record(1), removed, Record(3)]);

        await ExecuteAsync(db, $"""
            SET session_replication_role = replica;
            DELETE FROM {AuditSchema.ChainTable} WHERE record_id = '{removed.Id}';
            DELETE FROM {AuditSchema.Table} WHERE id = '{removed.Id}';
            SET session_replication_role = DEFAULT;
            INSERT INTO {AuditSchema.Table} (id, time, event, outcome) VALUES ('{Guid.NewGuid()}', now(), 'SessionCreated', 'Success');
            """);
        var result = await new AuditTrailVerifier(db, _chain).VerifyAsync();

        Assert.False(result.Intact);
        Assert.Contains(result.Problems, p => p.Contains("links 2 to 2 are missing", StringComparison.Ordinal));
        Assert.Equal(1, result.UnchainedSince);
    }

    [Fact]
    public async Task Checked_with_another_key_or_none_every_link_is_refused()
    {
        await using var db = await MigratedAsync();
        await AppendAsync(db, [Record(1), Record(2)]);

        var otherKey = await new AuditTrailVerifier(db, new AuditChain(RandomNumberGenerator.GetBytes(32))).VerifyAsync();
        var noKey = await new AuditTrailVerifier(db, new AuditChain(null)).VerifyAsync();

        Assert.Equal(2, otherKey.Problems.Count);
        Assert.Equal(2, noKey.Problems.Count);
    }

    [Fact]
    public async Task The_verify_command_answers_0_for_an_intact_trail_and_1_for_a_broken_one()
    {
        await using var db = await MigratedAsync();
        var keyless = new AuditChain(null);
        using (var trail = new PostgresAuditTrail(db, chain: keyless))
        {
            await trail.AppendAsync(Record(1));
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var intact = await AuditVerifyCommand.RunAsync(["--connection", db.ConnectionString], output, error);
        await ExecuteAsync(db, $"INSERT INTO {AuditSchema.Table} (id, time, event, outcome) VALUES ('{Guid.NewGuid()}', now(), 'SessionCreated', 'Success')");
        var broken = await AuditVerifyCommand.RunAsync(["--connection", db.ConnectionString], output, error);
        var usage = await AuditVerifyCommand.RunAsync(["--bogus"], output, error);

        Assert.Equal((0, 1, 2), (intact, broken, usage));
        Assert.Contains("Audit trail intact: 1 records in 1 chains checked", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 records stored since the chain existed have no link", error.ToString(), StringComparison.Ordinal);
    }

    private async Task AppendAsync(NpgsqlDataSource db, IEnumerable<AuditRecord> records)
    {
        using var trail = new PostgresAuditTrail(db, chain: _chain);
        foreach (var record in records)
        {
            await trail.AppendAsync(record);
        }
    }

    private static AuditRecord Record(int i) => new(Guid.NewGuid(), T0.AddSeconds(i).AddTicks(i * 7), AuditEvent.Refused, AuditOutcome.Failure,
        "card.revoked", UserId: $"u{i}", CardId: $"c{i % 3}", WorkstationId: "WS-1", OdsCode: i % 2 == 0 ? "RYY" : null);

    private async Task<NpgsqlDataSource> MigratedAsync()
    {
        var db = await postgres.NewDatabaseAsync();
        await new AuditSchemaMigrator(db).MigrateAsync();
        return db;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
