using System.Text.Json;
using System.Text.Json.Serialization;
using Ers.Audit;

namespace Ers.Grains.Audit;

/// <summary>
/// The embedded audit trail: one JSON line per record, appended and flushed to disk before the call returns.
/// Records that arrive while a flush is in progress share the next one (<see cref="GroupCommit{T}"/>): one
/// <c>fsync</c> per burst, not per record. For the local run and a single node; a cluster uses the PostgreSQL trail.
/// </summary>
public sealed class FileAuditTrail : IAuditTrail, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    private readonly string _path;
    private readonly FileStream _stream;
    private readonly GroupCommit<byte[]> _commits;

    public FileAuditTrail(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        _commits = new GroupCommit<byte[]>(WriteLinesAsync);
    }

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
        _commits.AddAsync(JsonSerializer.SerializeToUtf8Bytes(record, Json), cancellationToken);

    private async Task WriteLinesAsync(IReadOnlyList<byte[]> lines)
    {
        foreach (var line in lines)
        {
            await _stream.WriteAsync(line);
            await _stream.WriteAsync(NewLine);
        }

        // One fsync makes the whole batch durable; only then do its callers go on.
        _stream.Flush(flushToDisk: true);
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

    /// <summary>
    /// One page of <see cref="AuditSearch"/>: a pass over the file that keeps only the first page-size + 1 matches in
    /// <see cref="AuditOrder"/> (a bounded heap), so memory does not grow with the file.
    /// </summary>
    public Task<Outcome<AuditPage>> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        SearchFileAsync(_path, query, cancellationToken);

    /// <summary>
    /// <see cref="SearchAsync"/> on a trail file that this process does not write (the <c>ers audit search</c>
    /// command reads a running host's file); opens it for reading only. Throws <see cref="FileNotFoundException"/>
    /// when there is no such file.
    /// </summary>
    /// <param name="path">The trail file.</param>
    /// <param name="query">The search.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<Outcome<AuditPage>> SearchFileAsync(string path, AuditQuery query, CancellationToken cancellationToken = default)
    {
        var validated = AuditSearchRules.Validate(query);
        if (validated.Value is not { } search)
        {
            return Outcome<AuditPage>.Refused(validated.Refusal!);
        }

        var keep = search.PageSize + 1;
        // The heap's root is the latest record kept, so a record earlier than it replaces it.
        var latestFirst = Comparer<AuditRecord>.Create((a, b) => AuditOrder.Compare(b, a));
        var heap = new PriorityQueue<AuditRecord, AuditRecord>(keep + 1, latestFirst);
        await using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var text = new StreamReader(reader);
        while (await text.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var record = JsonSerializer.Deserialize<AuditRecord>(line, Json)!;
            if (!search.Matches(record))
            {
                continue;
            }

            if (heap.Count < keep)
            {
                heap.Enqueue(record, record);
            }
            else if (AuditOrder.Compare(record, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(record, record);
            }
        }

        var ordered = new List<AuditRecord>(heap.Count);
        while (heap.TryDequeue(out var record, out _))
        {
            ordered.Add(record);
        }

        ordered.Reverse();
        return Outcome<AuditPage>.Success(search.PageOf(ordered));
    }

    public void Dispose()
    {
        _commits.Dispose();
        _stream.Dispose();
    }
}
