using System.Threading.Channels;

namespace Ers.Audit;

/// <summary>
/// Group commit for an append-only store: every caller still waits until its own item is durable, but the items
/// that arrive while one commit is in flight share the next one. One <c>fsync</c> or one INSERT then carries a whole
/// burst of logins instead of one record each, so the store's latency stops capping throughput; a lone caller
/// waits no longer than before (nothing is held back to fill a batch). The queue is bounded: when the store falls
/// so far behind that <c>capacity</c> items wait, a further item is refused at once with
/// <see cref="AuditUnavailableException"/> (its action is not performed; hosts answer 503) instead of growing memory
/// and every caller's wait without limit.
/// </summary>
public sealed class GroupCommit<T> : IDisposable
{
    /// <summary>Items waiting for a commit at most, by default: about a minute of the busiest login rates measured.</summary>
    public const int DefaultCapacity = 50_000;

    private readonly Channel<Pending> _queue;
    private readonly Func<IReadOnlyList<T>, Task> _commit;
    private readonly int _maxBatch;
    private readonly Task _writer;
    private bool _disposed;

    /// <param name="commit">Makes a batch durable, or throws; the exception is every waiting caller's answer.</param>
    /// <param name="maxBatch">The most items one commit carries (bounds a statement's size).</param>
    /// <param name="capacity">The most items waiting for a commit (not counting the batch in flight).</param>
    public GroupCommit(Func<IReadOnlyList<T>, Task> commit, int maxBatch = 256, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once instead of dropping an item
        });
        _commit = commit;
        _maxBatch = maxBatch;
        // On the thread pool, never on the scheduler of the grain that happened to append first.
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes once <paramref name="item"/> is committed; faults with the commit's exception.</summary>
    public Task AddAsync(T item, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            if (Volatile.Read(ref _disposed))
            {
                throw new ObjectDisposedException(nameof(GroupCommit<T>));
            }

            // Shed: the store is this far behind, so refusing now is kinder than a wait that would time out anyway.
            return Task.FromException(new AuditUnavailableException(
                "The audit trail is falling behind: the action was not performed. Try again shortly."));
        }

        // A caller that gives up still leaves its item queued: it may be committed, which an append-only trail
        // tolerates (the action it describes was then not performed, and the record says it was attempted).
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var items = new List<T>(_maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            items.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                items.Add(pending.Item);
            }

            try
            {
                await _commit(items);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    /// <summary>Stops taking items and waits for those already queued to be committed.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private sealed record Pending(T Item, TaskCompletionSource Done);
}
