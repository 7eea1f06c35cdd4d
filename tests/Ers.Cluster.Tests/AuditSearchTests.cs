using Ers.Audit;
using Ers.Audit.Postgres;
using Ers.Grains.Audit;
using Ers.Tools.Commands;
using Npgsql;

namespace Ers.Cluster.Tests;

/// <summary>
/// Audit search (issue 16, item 3) on a real PostgreSQL 15 and on the embedded file trail holding the same records:
/// the same queries give the same pages on both; following the cursors visits every matching record exactly once, in
/// (time, id) order; bad input is refused alike; the PostgreSQL pages come from indexes; <c>ers audit search</c>
/// prints what the library answers.
/// </summary>
public sealed class AuditSearchTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ers-audit-search-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _owned = [];
    private readonly List<NpgsqlDataSource> _sources = [];

    private static readonly Dictionary<string, AuditQuery> Queries = new()
    {
        ["everything"] = new AuditQuery(),
        ["user"] = new AuditQuery(UserId: "u1"),
        ["card"] = new AuditQuery(CardId: "c2"),
        ["workstation"] = new AuditQuery(WorkstationId: "w3"),
        ["ods in a range"] = new AuditQuery(OdsCode: "O2", From: T0.AddSeconds(10).AddTicks(4), To: T0.AddSeconds(45)),
        ["range only"] = new AuditQuery(From: T0.AddSeconds(20), To: T0.AddSeconds(21).AddTicks(3)),
        ["user at an organisation since"] = new AuditQuery(UserId: "u2", OdsCode: "O1", From: T0.AddSeconds(5)),
        ["session"] = new AuditQuery(SessionId: "s4"),
        ["nobody"] = new AuditQuery(UserId: "nobody"),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    [InlineData(AuditSearchRules.MaxPageSize)]
    public async Task Both_trails_give_the_same_pages_and_the_pages_hold_every_match_once_in_time_then_id_order(int pageSize)
    {
        var records = Seed(300, seed: 16);
        var (pg, file) = await BothAsync(records);

        foreach (var (name, asked) in Queries)
        {
            var query = asked with { PageSize = pageSize };
            var fromPostgres = await PagesAsync(pg, query);
            var fromFile = await PagesAsync(file.SearchAsync, query);

            var expected = Expected(records, query);
            Assert.True(fromFile.Select(p => p.NextCursor).SequenceEqual(fromPostgres.Select(p => p.NextCursor)), $"{name}: the cursors differ");
            Assert.True(fromFile.SelectMany(p => p.Records).Select(Comparable).SequenceEqual(fromPostgres.SelectMany(p => p.Records).Select(Comparable)),
                $"{name}: the trails differ");
            Assert.True(expected.Select(Comparable).SequenceEqual(fromPostgres.SelectMany(p => p.Records).Select(Comparable)),
                $"{name}: not every match once in order: expected {expected.Count}, got {fromPostgres.Sum(p => p.Records.Count)}");
            Assert.All(fromPostgres.SkipLast(1), p => Assert.Equal(pageSize, p.Records.Count));
            Assert.Null(fromPostgres[^1].NextCursor);
            Assert.Equal(Math.Max(1, (expected.Count + pageSize - 1) / pageSize), fromPostgres.Count);
            Assert.True(name == "nobody" || expected.Count > 0, $"{name}: the seed gives every question answers");
        }
    }

    [Fact]
    public async Task Records_stored_while_paging_that_are_newer_than_the_cursor_appear_on_a_later_page_and_none_twice()
    {
        var records = Seed(60, seed: 7);
        var (pg, file) = await BothAsync(records);
        var query = new AuditQuery(PageSize: 25);
        var firstPg = (await pg.SearchAsync(query)).Value!;
        var firstFile = (await file.SearchAsync(query)).Value!;
        var later = Enumerable.Range(0, 3).Select(i => Record(Id(1000 + i), T0.AddHours(1).AddSeconds(i), "u1", null, null, null, null)).ToList();
        // Stored behind the cursor: a search goes forward from where it stands and does not see it.
        var behind = Record(Id(2000), T0.AddSeconds(-1), "u1", null, null, null, null);
        foreach (var r in later.Append(behind))
        {
            await pg.AppendAsync(r);
            await file.AppendAsync(r);
        }

        var restPg = await PagesAsync(pg, query with { Cursor = firstPg.NextCursor });
        var restFile = await PagesAsync(file.SearchAsync, query with { Cursor = firstFile.NextCursor });

        var seen = firstPg.Records.Concat(restPg.SelectMany(p => p.Records)).Select(r => r.Id).ToList();
        Assert.Equal(records.Select(r => r.Id).Concat(later.Select(r => r.Id)).Order(), seen.Order());
        Assert.Equal(seen, firstFile.Records.Concat(restFile.SelectMany(p => p.Records)).Select(r => r.Id));
        Assert.Equal(later.Select(r => r.Id), seen.TakeLast(3));
    }

    [Fact]
    public async Task Bad_input_is_refused_alike_by_both_trails_with_a_stable_code_and_no_exception()
    {
        var (pg, file) = await BothAsync(Seed(10, seed: 3));
        var cursor = (await pg.SearchAsync(new AuditQuery(PageSize: 1))).Value!.NextCursor;
        Assert.NotNull(cursor);
        var bad = new (AuditQuery Query, string Code)[]
        {
            (new AuditQuery(From: T0, To: T0.AddSeconds(-1)), RefusalCodes.AuditSearchRangeInverted),
            (new AuditQuery(PageSize: AuditSearchRules.MaxPageSize + 1), RefusalCodes.AuditSearchPageSize),
            (new AuditQuery(PageSize: 0), RefusalCodes.AuditSearchPageSize),
            (new AuditQuery(Cursor: "'; DROP TABLE ers_audit.audit_record; --"), RefusalCodes.AuditSearchCursorMalformed),
            (new AuditQuery(Cursor: cursor![..^2]), RefusalCodes.AuditSearchCursorMalformed),
            (new AuditQuery(UserId: "u2", Cursor: cursor), RefusalCodes.AuditSearchCursorOtherSearch),
        };

        foreach (var (query, code) in bad)
        {
            var fromPostgres = await pg.SearchAsync(query);
            var fromFile = await file.SearchAsync(query);
            Assert.Equal(code, fromPostgres.Refusal?.Code);
            Assert.Equal(fromPostgres.Refusal, fromFile.Refusal);
            Assert.False(string.IsNullOrWhiteSpace(fromPostgres.Refusal!.Message));
        }
    }

    [Theory]
    [InlineData("range", "audit_record_time_id")]
    [InlineData("everything", "audit_record_time_id")]
    [InlineData("user", "audit_record_")]
    [InlineData("ods", "audit_record_")]
    public async Task A_page_with_a_cursor_is_read_from_an_index_not_a_scan_of_the_table(string key, string index)
    {
        await using var db = await MigratedAsync();
        // 50,000 rows on a machine other tests share: more than the hosts' 5 s command timeout may pass.
        await using var bulk = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { CommandTimeout = 120 }.ConnectionString);
        await ExecuteAsync(bulk, $"""
            INSERT INTO {AuditSchema.Table} (id, time, event, outcome, user_id, ods_code, card_id, workstation_id)
            SELECT gen_random_uuid(), timestamptz '2026-12-01 08:00Z' + g * interval '1 second', 'SessionCreated', 'Success',
                   'u' || (g % 2000), 'O' || (g % 500), 'c' || (g % 3000), 'w' || (g % 1000)
            FROM generate_series(1, 50000) g;
            ANALYZE {AuditSchema.Table};
            """);
        var cursor = new AuditCursor(T0.AddHours(3), Guid.NewGuid(), 0);
        var query = key switch
        {
            "range" => new AuditQuery(From: T0.AddHours(2), To: T0.AddHours(6)),
            "everything" => new AuditQuery(),
            "user" => new AuditQuery(UserId: "u7", From: T0),
            _ => new AuditQuery(OdsCode: "O7", From: T0.AddHours(1), To: T0.AddHours(9)),
        };
        var search = AuditSearchRules.Validate(query).Value! with { After = cursor };

        await using var command = PostgresAuditTrail.BuildSearch(db, search);
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal) && line.Contains("Index", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_search_of_an_unreachable_database_throws_the_unavailable_exception_hosts_answer_503_for()
    {
        await using var db = PostgresAuditTrail.CreateDataSource($"Host=127.0.0.1;Port={Ers.Testing.FreePort.Next()};Username=postgres;Timeout=2");
        using var trail = new PostgresAuditTrail(db);

        await Assert.ThrowsAsync<AuditUnavailableException>(() => trail.SearchAsync(new AuditQuery(UserId: "u1")));
    }

    [Fact]
    public async Task Ers_audit_search_prints_the_pages_and_the_next_cursor_from_either_trail_and_the_same_fhir_export()
    {
        var records = Seed(40, seed: 11);
        await BothAsync(records);
        var connection = _sources.Single().ConnectionString;
        var file = Path.Combine(_directory, "audit.jsonl");
        var expected = Expected(records, new AuditQuery(UserId: "u1")).Select(r => r.Id.ToString("D")).ToList();

        foreach (var store in new[] { new[] { "--connection", connection }, ["--file", file] })
        {
            var ids = new List<string>();
            string? cursor = null;
            do
            {
                string[] args = [.. new[] { "audit", "search" }, .. store, "--user", "u1", "--page-size", "3", .. cursor is null ? [] : new[] { "--cursor", cursor }];
                var (code, output, error) = await RunAsync(args);
                Assert.True(code == 0, error);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.StartsWith("time\tevent\toutcome", lines[0], StringComparison.Ordinal);
                ids.AddRange(lines.Skip(1).Select(line => line.Split('\t')[^1]));
                cursor = error.Contains("next page: --cursor ", StringComparison.Ordinal) ? error.Split("--cursor ")[1].Trim() : null;
                Assert.True(cursor is not null || error.Contains("last page", StringComparison.Ordinal), error);
            }
            while (cursor is not null);

            Assert.Equal(expected, ids);
        }

        var (pgCode, pgNdjson, _) = await RunAsync(["audit", "search", "--connection", connection, "--ods", "O2", "--all", "--fhir", "--page-size", "4"]);
        var (fileCode, fileNdjson, _) = await RunAsync(["audit", "search", "--file", file, "--ods", "O2", "--all", "--fhir"]);
        Assert.Equal((0, 0), (pgCode, fileCode));
        Assert.Equal(fileNdjson, pgNdjson);
        var ndjsonLines = pgNdjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Expected(records, new AuditQuery(OdsCode: "O2")).Select(r => r.Id.ToString("D")),
            ndjsonLines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        Assert.All(ndjsonLines, l => Assert.StartsWith("{\"resourceType\":\"AuditEvent\"", l, StringComparison.Ordinal));

        var (badRange, _, rangeError) = await RunAsync(["audit", "search", "--file", file, "--from", "2026-12-02", "--to", "2026-12-01"]);
        var (badTime, _, timeError) = await RunAsync(["audit", "search", "--file", file, "--from", "yesterday"]);
        var (noFile, _, fileError) = await RunAsync(["audit", "search", "--file", Path.Combine(_directory, "missing.jsonl")]);
        Assert.Equal((2, 2, 2), (badRange, badTime, noFile));
        Assert.Contains(RefusalCodes.AuditSearchRangeInverted, rangeError, StringComparison.Ordinal);
        Assert.Contains("--from must be a time", timeError, StringComparison.Ordinal);
        Assert.Contains("no audit file", fileError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "missing.jsonl")));
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        foreach (var source in _sources)
        {
            source.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandDispatcher.RunAsync(args, new CommandContext(output, error, TimeProvider.System));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The same records in a fresh PostgreSQL database and a fresh trail file; both trails are this test's.</summary>
    private async Task<(PostgresAuditTrail Postgres, FileAuditTrail File)> BothAsync(IReadOnlyList<AuditRecord> records)
    {
        var db = await MigratedAsync();
        var pg = new PostgresAuditTrail(db);
        var file = new FileAuditTrail(Path.Combine(_directory, "audit.jsonl"));
        // Concurrently: the group commits store them in batches, in whatever order they arrive.
        await Task.WhenAll(records.Select(r => Task.Run(() => pg.AppendAsync(r))));
        await Task.WhenAll(records.Select(r => Task.Run(() => file.AppendAsync(r))));
        _owned.Add(pg);
        _owned.Add(file);
        return (pg, file);
    }

    private static async Task<List<AuditPage>> PagesAsync(IAuditTrail trail, AuditQuery query) => await PagesAsync(trail.SearchAsync, query);

    private static async Task<List<AuditPage>> PagesAsync(Func<AuditQuery, CancellationToken, Task<Outcome<AuditPage>>> search, AuditQuery query)
    {
        var pages = new List<AuditPage>();
        await foreach (var page in AuditTrailSearch.FollowAsync(search, query))
        {
            pages.Add(page.Value ?? throw new Xunit.Sdk.XunitException($"Refused: {page.Refusal}"));
            Assert.True(pages.Count <= 400, "The cursors do not come to an end.");
        }

        return pages;
    }

    /// <summary>What the search must answer, worked out here without the search's own code.</summary>
    private static List<AuditRecord> Expected(IEnumerable<AuditRecord> records, AuditQuery q)
    {
        static DateTimeOffset Micro(DateTimeOffset t) => new(t.UtcTicks / 10 * 10, TimeSpan.Zero);
        return records
            .Where(r => (q.UserId is null || r.UserId == q.UserId) && (q.CardId is null || r.CardId == q.CardId) &&
                        (q.WorkstationId is null || r.WorkstationId == q.WorkstationId) && (q.OdsCode is null || r.OdsCode == q.OdsCode) &&
                        (q.SessionId is null || r.SessionId == q.SessionId) &&
                        (q.From is null || Micro(r.Time) >= Micro(q.From.Value)) && (q.To is null || Micro(r.Time) < Micro(q.To.Value)))
            .OrderBy(r => Micro(r.Time)).ThenBy(r => r.Id.ToString("N"), StringComparer.Ordinal)
            .ToList();
    }

    // PostgreSQL keeps microseconds, the file every tick: the rest of the record must be identical.
    private static AuditRecord Comparable(AuditRecord r) => r with { Time = new DateTimeOffset(r.Time.UtcTicks / 10 * 10, TimeSpan.Zero) };

    /// <summary>
    /// Records over one minute with many sharing a microsecond (so the id decides), ticks below the microsecond, every
    /// event and outcome, and each key absent from some.
    /// </summary>
    private static List<AuditRecord> Seed(int count, int seed)
    {
        var random = new Random(seed);
        string? Pick(string prefix, int of) => random.Next(5) == 0 ? null : prefix + random.Next(of);
        return Enumerable.Range(0, count).Select(i =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var kind = (AuditEvent)random.Next(1, 12);
            return new AuditRecord(new Guid(bytes), T0.AddSeconds(random.Next(60)).AddTicks(random.Next(3)), kind,
                kind == AuditEvent.Refused ? AuditOutcome.Failure : AuditOutcome.Success, kind == AuditEvent.Refused ? "card.revoked" : null,
                Pick("u", 4), Pick("r", 3), Pick("O", 3), random.Next(3) == 0 ? "Referring Clinician" : null, Pick("s", 10), Pick("w", 4), Pick("c", 6));
        }).ToList();
    }

    private static Guid Id(int n) => new($"00000000-0000-4000-8000-{n:D12}");

    private static AuditRecord Record(Guid id, DateTimeOffset time, string? user, string? ods, string? session, string? workstation, string? card) =>
        new(id, time, AuditEvent.SessionCreated, AuditOutcome.Success, null, user, null, ods, null, session, workstation, card);

    private async Task<NpgsqlDataSource> MigratedAsync()
    {
        var db = await postgres.NewDatabaseAsync();
        await new AuditSchemaMigrator(db).MigrateAsync();
        _sources.Add(db);
        return db;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
