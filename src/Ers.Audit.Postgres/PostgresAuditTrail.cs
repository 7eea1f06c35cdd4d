using System.Data.Common;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Ers.Audit.Postgres;

/// <summary>
/// The cluster's audit trail in PostgreSQL. <see cref="AppendAsync"/> returns only once the row is committed; an append
/// retried with the same record id stores one row. When the database cannot be reached the caller gets an
/// <see cref="AuditUnavailableException"/> and must not perform the action it wanted to audit (fail closed).
/// </summary>
public sealed class PostgresAuditTrail : IAuditTrail, IDisposable
{
    // A login waits on this: a few quick tries cover a pool of connections broken by a database restart, a longer
    // outage is the caller's to report.
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250)];

    internal const string Columns =
        "id, time, event, outcome, reason, user_id, role_profile_id, ods_code, business_function, session_id, workstation_id, card_id, subject_user_id, subject_ods_code";

    private const int ColumnCount = 14;

    // Bounds one INSERT to 14 x 256 parameters, well under PostgreSQL's 65,535.
    private const int MaxBatch = 256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly GroupCommit<AuditRecord> _commits;
    private readonly AuditChain _chain;

    // This writer's chain (src/Ers.Audit.Postgres/AuditChain.cs). Only the group commit's one writer loop touches it.
    private Guid _chainId = Guid.NewGuid();
    private long _sequence;
    private byte[] _head = AuditChain.Genesis;

    public PostgresAuditTrail(NpgsqlDataSource dataSource, ILogger<PostgresAuditTrail>? logger = null, AuditChain? chain = null)
    {
        _dataSource = dataSource;
        _logger = logger ?? NullLogger<PostgresAuditTrail>.Instance;
        _chain = chain ?? new AuditChain(null);
        _commits = new GroupCommit<AuditRecord>(CommitAsync, MaxBatch);
    }

    /// <summary>Builds the data source from a connection string, with short timeouts unless the string sets its own.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // A login waits on the audit row: an unreachable database must be reported in seconds, not the driver's 15-30 s.
        if (!given.ContainsKey("Timeout"))
        {
            builder.Timeout = 5;
        }

        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.CommandTimeout = 5;
        }

        builder.ApplicationName ??= "ers";
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// Returns once the record is committed. Records appended while an INSERT is in flight are committed together by
    /// the next one (<see cref="GroupCommit{T}"/>), so a burst of logins costs one round trip and one WAL flush.
    /// </summary>
    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
        _commits.AddAsync(record, cancellationToken);

    private async Task CommitAsync(IReadOnlyList<AuditRecord> records)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await InsertAsync(records);
                return;
            }
            catch (Exception e) when (IsStoreFailure(e))
            {
                // Pooled connections may all be dead after a database restart: drop them before trying again.
                _dataSource.Clear();
                // The failed transaction may have committed after all: a new chain never collides with its links, and
                // records it did store are not returned by the retry's INSERT, so they are never chained twice.
                StartNewChain();
                if (attempt >= RetryDelays.Length || !IsTransient(e))
                {
                    _logger.RecordsNotStored(e, records.Count, records[0].Id.ToString(), records[0].Event.ToString());
                    throw new AuditUnavailableException(
                        $"The audit trail is unavailable ({Describe(e)}): the action was not performed. Try again shortly.");
                }

                await Task.Delay(RetryDelays[attempt]);
            }
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = BuildQuery(_dataSource, query);
        var records = new List<AuditRecord>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(Read(reader));
            }
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            _dataSource.Clear();
            throw new AuditUnavailableException($"The audit trail is unavailable ({Describe(e)}). Try again shortly.");
        }

        return records;
    }

    /// <summary>The SELECT an <see cref="AuditQuery"/> becomes (tests EXPLAIN it to prove the indexes are used).</summary>
    internal static NpgsqlCommand BuildQuery(NpgsqlDataSource dataSource, AuditQuery query)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var command = dataSource.CreateCommand();
        var where = new StringBuilder();

        // Only the filters given become predicates, so the planner sees "ods_code = $1 AND time >= $2" and picks the
        // matching (key, time) index.
        void Filter(string column, string op, object? value, NpgsqlDbType type)
        {
            if (value is null)
            {
                return;
            }

            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(column).Append(op).Append('$').Append(command.Parameters.Count);
        }

        // A user or organisation is found as the actor or as whom an action was about: each column has its own
        // (key, time) index, and the planner ORs the two.
        void Either(string actor, string subject, string? value)
        {
            if (value is null)
            {
                return;
            }

            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text });
            var p = "$" + command.Parameters.Count;
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append($"({actor} = {p} OR {subject} = {p})");
        }

        Either("ods_code", "subject_ods_code", query.OdsCode);
        Filter("card_id", " = ", query.CardId, NpgsqlDbType.Text);
        Either("user_id", "subject_user_id", query.UserId);
        Filter("workstation_id", " = ", query.WorkstationId, NpgsqlDbType.Text);
        Filter("session_id", " = ", query.SessionId, NpgsqlDbType.Text);
        Filter("time", " >= ", query.From?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        Filter("time", " < ", query.To?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        command.Parameters.Add(new NpgsqlParameter { Value = query.Limit, NpgsqlDbType = NpgsqlDbType.Integer });

        // The newest `Limit` rows, returned oldest first (the same answer as the file trail).
        command.CommandText =
            $"SELECT {Columns} FROM (SELECT {Columns} FROM {AuditSchema.Table}{where} ORDER BY time DESC, id DESC LIMIT ${command.Parameters.Count}) newest ORDER BY time, id";
        return command;
    }

    /// <summary>
    /// One page of <see cref="AuditSearch"/>, straight from the indexes: the filters given, the cursor as a keyset
    /// predicate, <c>ORDER BY time, id LIMIT page size + 1</c>.
    /// </summary>
    public async Task<Outcome<AuditPage>> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var validated = AuditSearchRules.Validate(query);
        if (validated.Value is not { } search)
        {
            return Outcome<AuditPage>.Refused(validated.Refusal!);
        }

        await using var command = BuildSearch(_dataSource, search);
        var records = new List<AuditRecord>(search.PageSize + 1);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(Read(reader));
            }
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            _dataSource.Clear();
            throw new AuditUnavailableException($"The audit trail is unavailable ({Describe(e)}). Try again shortly.");
        }

        return Outcome<AuditPage>.Success(search.PageOf(records));
    }

    /// <summary>The SELECT an <see cref="AuditSearch"/> becomes (tests EXPLAIN it to prove the indexes are used).</summary>
    internal static NpgsqlCommand BuildSearch(NpgsqlDataSource dataSource, AuditSearch search)
    {
        var command = dataSource.CreateCommand();
        var where = new StringBuilder();

        string Parameter(object value, NpgsqlDbType type)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + command.Parameters.Count;
        }

        void Filter(string column, string op, object? value, NpgsqlDbType type)
        {
            if (value is not null)
            {
                where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(column).Append(op).Append(Parameter(value, type));
            }
        }

        void Either(string actor, string subject, string? value)
        {
            if (value is not null)
            {
                var p = Parameter(value, NpgsqlDbType.Text);
                where.Append(where.Length == 0 ? " WHERE " : " AND ").Append($"({actor} = {p} OR {subject} = {p})");
            }
        }

        // As in BuildQuery: the actor's columns or the acted-on user's.
        Either("ods_code", "subject_ods_code", search.OdsCode);
        Filter("card_id", " = ", search.CardId, NpgsqlDbType.Text);
        Either("user_id", "subject_user_id", search.UserId);
        Filter("workstation_id", " = ", search.WorkstationId, NpgsqlDbType.Text);
        Filter("session_id", " = ", search.SessionId, NpgsqlDbType.Text);
        Filter("time", " >= ", search.From, NpgsqlDbType.TimestampTz);
        Filter("time", " < ", search.To, NpgsqlDbType.TimestampTz);
        if (search.After is { } after)
        {
            // (time, id) > (t, i), spelt so that "time >= t" is an index condition on every (key, time) index too.
            var time = Parameter(after.Time, NpgsqlDbType.TimestampTz);
            var id = Parameter(after.Id, NpgsqlDbType.Uuid);
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append($"time >= {time} AND (time > {time} OR id > {id})");
        }

        var limit = Parameter(search.PageSize + 1, NpgsqlDbType.Integer);
        command.CommandText = $"SELECT {Columns} FROM {AuditSchema.Table}{where} ORDER BY time, id LIMIT {limit}";
        return command;
    }

    /// <summary>Is PostgreSQL (not the record) the problem? Every database error is: the trail cannot vouch for the row.</summary>
    internal static bool IsStoreFailure(Exception e) => e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException;

    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException,
        _ => true,
    };

    private static string Describe(Exception e) => e switch
    {
        PostgresException pg when pg.SqlState == PostgresErrorCodes.UndefinedTable =>
            "the audit schema is missing: run `ers audit migrate`",
        PostgresException pg => $"database error {pg.SqlState}",
        _ => "the database cannot be reached",
    };

    private void StartNewChain()
    {
        _chainId = Guid.NewGuid();
        _sequence = 0;
        _head = AuditChain.Genesis;
    }

    private async Task InsertAsync(IReadOnlyList<AuditRecord> records)
    {
        // A retried append (same id) is one row: the first commit wins and the retry changes nothing. The records and
        // their links are one transaction: the whole batch is committed with its chain, or none of it.
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(null, connection, transaction);
        var sql = new StringBuilder($"INSERT INTO {AuditSchema.Table} ({Columns}) VALUES ");
        var seen = new HashSet<Guid>();
        foreach (var r in records)
        {
            if (!seen.Add(r.Id))
            {
                continue;
            }

            var first = command.Parameters.Count + 1;
            sql.Append(first == 1 ? "(" : ", (");
            for (var i = 0; i < ColumnCount; i++)
            {
                sql.Append(i == 0 ? "$" : ", $").Append(first + i);
            }

            sql.Append(')');
            command.Parameters.Add(new NpgsqlParameter { Value = r.Id, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = AuditChain.Normalise(r.Time), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(Text(r.Event.ToString()));
            command.Parameters.Add(Text(r.Outcome.ToString()));
            command.Parameters.Add(Text(r.Reason));
            command.Parameters.Add(Text(r.UserId));
            command.Parameters.Add(Text(r.RoleProfileId));
            command.Parameters.Add(Text(r.OdsCode));
            command.Parameters.Add(Text(r.BusinessFunction));
            command.Parameters.Add(Text(r.SessionId));
            command.Parameters.Add(Text(r.WorkstationId));
            command.Parameters.Add(Text(r.CardId));
            command.Parameters.Add(Text(r.SubjectUserId));
            command.Parameters.Add(Text(r.SubjectOdsCode));
        }

        command.CommandText = sql.Append(" ON CONFLICT (id) DO NOTHING RETURNING id").ToString();
        var stored = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetGuid(0));
            }
        }

        // Links for the rows this INSERT stored, in batch order; the chain advances only once they are committed.
        var sequence = _sequence;
        var head = _head;
        if (stored.Count > 0)
        {
            await using var link = new NpgsqlCommand(null, connection, transaction);
            var links = new StringBuilder($"INSERT INTO {AuditSchema.ChainTable} (chain, seq, record_id, prev_hash, hash) VALUES ");
            foreach (var r in records.Where(r => stored.Remove(r.Id)))
            {
                var hash = _chain.Link(_chainId, ++sequence, head, r);
                var first = link.Parameters.Count + 1;
                links.Append(first == 1 ? "(" : ", (").Append($"${first}, ${first + 1}, ${first + 2}, ${first + 3}, ${first + 4})");
                link.Parameters.Add(new NpgsqlParameter { Value = _chainId, NpgsqlDbType = NpgsqlDbType.Uuid });
                link.Parameters.Add(new NpgsqlParameter { Value = sequence, NpgsqlDbType = NpgsqlDbType.Bigint });
                link.Parameters.Add(new NpgsqlParameter { Value = r.Id, NpgsqlDbType = NpgsqlDbType.Uuid });
                link.Parameters.Add(new NpgsqlParameter { Value = head, NpgsqlDbType = NpgsqlDbType.Bytea });
                link.Parameters.Add(new NpgsqlParameter { Value = hash, NpgsqlDbType = NpgsqlDbType.Bytea });
                head = hash;
            }

            link.CommandText = links.ToString();
            await link.ExecuteNonQueryAsync();
        }

        // When this returns the rows are committed (and, with synchronous_commit on, flushed to WAL).
        await transaction.CommitAsync();
        _sequence = sequence;
        _head = head;
    }

    /// <summary>Commits what is already queued, then stops (a graceful shutdown loses no acknowledged-to-be record).</summary>
    public void Dispose() => _commits.Dispose();

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>A record from <see cref="Columns"/>, starting at column <paramref name="offset"/>.</summary>
    internal static AuditRecord Read(NpgsqlDataReader reader, int offset = 0)
    {
        string? Nullable(int i) => reader.IsDBNull(offset + i) ? null : reader.GetString(offset + i);
        return new AuditRecord(
            reader.GetGuid(offset),
            reader.GetFieldValue<DateTimeOffset>(offset + 1),
            Enum.Parse<AuditEvent>(reader.GetString(offset + 2)),
            Enum.Parse<AuditOutcome>(reader.GetString(offset + 3)),
            Nullable(4),
            Nullable(5),
            Nullable(6),
            Nullable(7),
            Nullable(8),
            Nullable(9),
            Nullable(10),
            Nullable(11),
            Nullable(12),
            Nullable(13));
    }
}
