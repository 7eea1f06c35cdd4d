using Ers.Audit;
using Ers.Audit.Postgres;
using Npgsql;

namespace Ers.Cluster.Tests;

/// <summary>The PostgreSQL audit trail and its migrator, on a real PostgreSQL 15.</summary>
public sealed class PostgresAuditTrailTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 27, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migrating_twice_applies_every_step_once_and_changes_nothing_the_second_time()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var migrator = new AuditSchemaMigrator(db);
        Assert.Equal(0, await migrator.CurrentVersionAsync());

        var first = await migrator.MigrateAsync();
        var schemaAfterFirst = await SchemaFingerprintAsync(db);
        var second = await migrator.MigrateAsync();

        Assert.Equal(AuditSchema.Migrations.Select(m => m.Version), first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(AuditSchema.LatestVersion, second.Version);
        Assert.Equal(schemaAfterFirst, await SchemaFingerprintAsync(db));
        Assert.Equal(AuditSchema.Migrations.Count, await ScalarAsync<long>(db, $"SELECT count(*) FROM {AuditSchema.MigrationsTable}"));
    }

    [Fact]
    public async Task Concurrent_migrations_apply_each_step_exactly_once()
    {
        await using var db = await postgres.NewDatabaseAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new AuditSchemaMigrator(db).MigrateAsync())));

        Assert.Single(results, r => r.Applied.Count > 0);
        Assert.All(results, r => Assert.Equal(AuditSchema.LatestVersion, r.Version));
        Assert.Equal(AuditSchema.Migrations.Count, await ScalarAsync<long>(db, $"SELECT count(*) FROM {AuditSchema.MigrationsTable}"));
    }

    [Fact]
    public async Task An_appended_record_reads_back_with_every_field()
    {
        await using var db = await MigratedAsync();
        var trail = new PostgresAuditTrail(db);
        var record = new AuditRecord(Guid.NewGuid(), T0, AuditEvent.RoleChosen, AuditOutcome.Success, null,
            "555294209105", "555021935107", "RYY", "Referring Clinician", "s-1", "ws-1", "card-1");

        await trail.AppendAsync(record);

        Assert.Equal([record], await trail.QueryAsync(new AuditQuery(SessionId: "s-1")));
    }

    [Fact]
    public async Task Appending_the_same_record_twice_stores_one_row()
    {
        await using var db = await MigratedAsync();
        var trail = new PostgresAuditTrail(db);
        var record = new AuditRecord(Guid.NewGuid(), T0, AuditEvent.SessionCreated, AuditOutcome.Success, null, UserId: "555294209105");

        await trail.AppendAsync(record);
        await trail.AppendAsync(record);

        Assert.Equal(1, await ScalarAsync<long>(db, $"SELECT count(*) FROM {AuditSchema.Table}"));
    }

    [Fact]
    public async Task Concurrent_appends_are_all_stored_once_even_when_a_retry_lands_in_the_same_batch()
    {
        await using var db = await MigratedAsync();
        using var trail = new PostgresAuditTrail(db);
        var records = Enumerable.Range(0, 600).Select(i =>
            new AuditRecord(Guid.NewGuid(), T0.AddMilliseconds(i), AuditEvent.CardInserted, AuditOutcome.Success, null, CardId: $"c{i}")).ToList();

        // 600 concurrent appends plus a second append of every tenth record: more than one batch, with duplicates inside.
        await Task.WhenAll(records.Concat(records.Where((_, i) => i % 10 == 0)).Select(r => Task.Run(() => trail.AppendAsync(r))));

        Assert.Equal(600, await ScalarAsync<long>(db, $"SELECT count(DISTINCT id) FROM {AuditSchema.Table}"));
        Assert.Equal(600, await ScalarAsync<long>(db, $"SELECT count(*) FROM {AuditSchema.Table}"));
    }

    [Theory]
    [InlineData("UPDATE ers_audit.audit_record SET outcome = 'Success'")]
    [InlineData("DELETE FROM ers_audit.audit_record")]
    [InlineData("TRUNCATE ers_audit.audit_record")]
    public async Task The_database_refuses_to_change_or_remove_history(string sql)
    {
        await using var db = await MigratedAsync();
        var trail = new PostgresAuditTrail(db);
        await trail.AppendAsync(new AuditRecord(Guid.NewGuid(), T0, AuditEvent.Refused, AuditOutcome.Failure, "card.revoked", CardId: "c"));

        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var command = db.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        });

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(1, await ScalarAsync<long>(db, $"SELECT count(*) FROM {AuditSchema.Table} WHERE outcome = 'Failure'"));
    }

    [Fact]
    public async Task An_application_role_may_read_and_append_but_not_update()
    {
        await using var db = await MigratedAsync();
        var role = "ers_app_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(db, $"CREATE ROLE {role} LOGIN");
        await new AuditSchemaMigrator(db).MigrateAsync(appRole: role);

        var asApp = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role }.ConnectionString;
        await using var app = NpgsqlDataSource.Create(asApp);
        await new PostgresAuditTrail(app).AppendAsync(new AuditRecord(Guid.NewGuid(), T0, AuditEvent.SessionEnded, AuditOutcome.Success, "logout"));
        var privileges = await ScalarAsync<string>(db,
            $"SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants WHERE grantee = '{role}' AND table_name = 'audit_record'");

        Assert.Equal("INSERT,SELECT", privileges);
        Assert.Single(await new PostgresAuditTrail(app).QueryAsync(new AuditQuery()));
    }

    [Fact]
    public async Task An_application_role_that_owns_the_table_or_is_a_superuser_is_refused_and_nothing_is_granted()
    {
        await using var db = await MigratedAsync();
        var owner = "ers_owner_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(db, $"CREATE ROLE {owner} LOGIN");
        var super = "ers_super_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(db, $"CREATE ROLE {super} LOGIN SUPERUSER");
        await ExecuteAsync(db, $"ALTER TABLE {AuditSchema.Table} OWNER TO {owner}");

        var owns = await Assert.ThrowsAsync<InvalidOperationException>(() => new AuditSchemaMigrator(db).MigrateAsync(appRole: owner));
        var superuser = await Assert.ThrowsAsync<InvalidOperationException>(() => new AuditSchemaMigrator(db).MigrateAsync(appRole: super));

        Assert.Contains("could drop the append-only trigger", owns.Message, StringComparison.Ordinal);
        Assert.Contains("superuser", superuser.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(db,
            $"SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '{owner}' AND table_name = 'audit_record' AND privilege_type = 'INSERT' AND grantor <> '{owner}'"));
    }

    [Fact]
    public async Task Queries_answer_the_auditors_questions_newest_last_within_the_limit()
    {
        await using var db = await MigratedAsync();
        var trail = new PostgresAuditTrail(db);
        for (var i = 0; i < 6; i++)
        {
            await trail.AppendAsync(new AuditRecord(Guid.NewGuid(), T0.AddMinutes(i), AuditEvent.RoleChosen, AuditOutcome.Success, null,
                UserId: $"u{i % 2}", RoleProfileId: "r", OdsCode: i < 4 ? "RYY" : "E82665", CardId: $"c{i % 3}", WorkstationId: "ws"));
        }

        var atRyy = await trail.QueryAsync(new AuditQuery(OdsCode: "RYY", From: T0.AddMinutes(1), To: T0.AddMinutes(3)));
        var lastTwoOfUser0 = await trail.QueryAsync(new AuditQuery(UserId: "u0", Limit: 2));

        Assert.Equal([T0.AddMinutes(1), T0.AddMinutes(2)], atRyy.Select(r => r.Time));
        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(4)], lastTwoOfUser0.Select(r => r.Time));
        Assert.Equal(2, (await trail.QueryAsync(new AuditQuery(CardId: "c1"))).Count);
    }

    [Theory]
    [InlineData("ods", "audit_record_ods_time")]
    [InlineData("card", "audit_record_card_time")]
    [InlineData("user", "audit_record_user_time")]
    [InlineData("workstation", "audit_record_workstation_time")]
    public async Task Each_auditor_question_is_answered_from_its_index(string key, string index)
    {
        await using var db = await MigratedAsync();
        // Enough rows, spread over many keys, that a sequential scan would be the wrong plan. On a machine other tests
        // share, inserting them into every index may take more than the hosts' 5 s command timeout.
        await using var bulk = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { CommandTimeout = 120 }.ConnectionString);
        await ExecuteAsync(bulk, $"""
            INSERT INTO {AuditSchema.Table} (id, time, event, outcome, user_id, ods_code, card_id, workstation_id)
            SELECT gen_random_uuid(), timestamptz '2026-06-27 08:00Z' + g * interval '1 second', 'SessionCreated', 'Success',
                   'u' || (g % 2000), 'O' || (g % 500), 'c' || (g % 3000), 'w' || (g % 1000)
            FROM generate_series(1, 50000) g;
            ANALYZE {AuditSchema.Table};
            """);
        var query = key switch
        {
            "ods" => new AuditQuery(OdsCode: "O7", From: T0.AddHours(-1), To: T0.AddHours(1)),
            "card" => new AuditQuery(CardId: "c7"),
            "user" => new AuditQuery(UserId: "u7"),
            _ => new AuditQuery(WorkstationId: "w7"),
        };

        await using var command = PostgresAuditTrail.BuildQuery(db, query);
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_database_refuses_the_append_with_a_distinguishable_exception()
    {
        var closedPort = Ers.Testing.FreePort.Next();
        await using var db = PostgresAuditTrail.CreateDataSource($"Host=127.0.0.1;Port={closedPort};Username=postgres;Timeout=2");

        var e = await Assert.ThrowsAsync<AuditUnavailableException>(() =>
            new PostgresAuditTrail(db).AppendAsync(new AuditRecord(Guid.NewGuid(), T0, AuditEvent.SessionCreated, AuditOutcome.Success, null)));

        Assert.Equal(StoreUnavailableException.Code, AuditUnavailableException.Code);
        Assert.Contains("cannot be reached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_schema_is_reported_as_unavailable_naming_the_migration_command()
    {
        await using var db = await postgres.NewDatabaseAsync();

        var e = await Assert.ThrowsAsync<AuditUnavailableException>(() =>
            new PostgresAuditTrail(db).AppendAsync(new AuditRecord(Guid.NewGuid(), T0, AuditEvent.SessionCreated, AuditOutcome.Success, null)));

        Assert.Contains("ers audit migrate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_migrate_command_reports_what_it_did_and_fails_clearly_without_a_connection()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var output = new StringWriter();
        var error = new StringWriter();

        var first = await AuditMigrateCommand.RunAsync(["--connection", db.ConnectionString], output, error);
        var again = await AuditMigrateCommand.RunAsync(["--connection", db.ConnectionString], output, error);
        var bad = await AuditMigrateCommand.RunAsync(["--bogus"], output, error);

        Assert.Equal((0, 0, 2), (first, again, bad));
        Assert.Contains($"Applied audit schema version(s) 1, 2, 3, 4; now at version {AuditSchema.LatestVersion}.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Audit schema is up to date (version {AuditSchema.LatestVersion}).", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: ers audit migrate", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ers_tool_migrates_as_the_deployment_job_runs_it()
    {
        await using var db = await postgres.NewDatabaseAsync();
        // As the Kubernetes Job passes it: the connection string in the environment, never on the command line.
        var (exitCode, output) = await Ers.Testing.Processes.ProcessRunner.RunForResultAsync("dotnet",
            [Ers.Testing.Processes.BuildOutput.Tool, "audit", "migrate"],
            new Dictionary<string, string> { ["ConnectionStrings__Audit"] = db.ConnectionString });

        Assert.True(exitCode == 0, $"ers audit migrate exited with {exitCode}: {output}");
        Assert.Contains("now at version", output, StringComparison.Ordinal);
        Assert.Equal(AuditSchema.LatestVersion, await new AuditSchemaMigrator(db).CurrentVersionAsync());
    }

    private async Task<NpgsqlDataSource> MigratedAsync()
    {
        var db = await postgres.NewDatabaseAsync();
        await new AuditSchemaMigrator(db).MigrateAsync();
        return db;
    }

    private static async Task<string> SchemaFingerprintAsync(NpgsqlDataSource db) => await ScalarAsync<string>(db, """
        SELECT string_agg(x, ';' ORDER BY x) FROM (
            SELECT 'col:' || table_name || '.' || column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = 'ers_audit'
            UNION ALL SELECT 'idx:' || indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'ers_audit'
            UNION ALL SELECT 'trg:' || tgname FROM pg_trigger WHERE NOT tgisinternal
        ) objects(x)
        """);

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
