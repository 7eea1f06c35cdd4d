using System.Text.Json;
using System.Text.Json.Serialization;
using Ers.Audit;

namespace Ers.Grains.Audit;

/// <summary>
/// The embedded audit trail: one JSON line per record, appended and flushed to disk before the call returns.
/// For the local run and a single node; a cluster uses the PostgreSQL trail.
/// </summary>
public sealed class FileAuditTrail : IAuditTrail, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _stream;

    public FileAuditTrail(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
    }

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(record, Json);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(line, cancellationToken);
            await _stream.WriteAsync("\n"u8.ToArray(), cancellationToken);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var results = new List<AuditRecord>();
        await using var reader = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var text = new StreamReader(reader);
        while (await text.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var record = JsonSerializer.Deserialize<AuditRecord>(line, Json)!;
            if (AuditFilter.Matches(query, record))
            {
                results.Add(record);
            }
        }

        return results.TakeLast(query.Limit).ToList();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _gate.Dispose();
    }
}

/// <summary>The meaning of an <see cref="AuditQuery"/>, shared by the trails that filter in memory.</summary>
public static class AuditFilter
{
    public static bool Matches(AuditQuery q, AuditRecord r) =>
        (q.UserId is null || q.UserId == r.UserId) &&
        (q.SessionId is null || q.SessionId == r.SessionId) &&
        (q.CardId is null || q.CardId == r.CardId) &&
        (q.WorkstationId is null || q.WorkstationId == r.WorkstationId) &&
        (q.OdsCode is null || q.OdsCode == r.OdsCode) &&
        (q.From is null || r.Time >= q.From) &&
        (q.To is null || r.Time < q.To);
}
