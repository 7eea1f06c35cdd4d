using Ers.Audit;

namespace Ers.Grains.Tests.Audit;

/// <summary>
/// Issue 13, defect 4: the audit queue is bounded. When the store falls behind, an append over the bound is refused
/// at once with <see cref="AuditUnavailableException"/> (the action it would record is not performed, a 503 to the
/// caller), rather than queueing without limit; what was queued is still committed, and appends work again once
/// the queue drains.
/// </summary>
public sealed class BoundedGroupCommitTests
{
    [Fact]
    public async Task An_append_over_the_bound_is_refused_at_once_and_the_queued_ones_are_still_committed()
    {
        var committed = new List<int>();
        var inCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var commits = new GroupCommit<int>(async items =>
        {
            inCommit.TrySetResult();
            await release.Task;
            lock (committed)
            {
                committed.AddRange(items);
            }
        }, maxBatch: 256, capacity: 3);

        var first = commits.AddAsync(0);
        await inCommit.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the writer holds item 0; the queue is empty
        var queued = Enumerable.Range(1, 3).Select(i => commits.AddAsync(i)).ToList();

        var shed = commits.AddAsync(4);

        Assert.True(shed.IsFaulted);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => shed);
        release.SetResult();
        await Task.WhenAll([first, .. queued]);
        Assert.Equal([0, 1, 2, 3], committed.Order());
        await commits.AddAsync(5).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(5, committed);
    }

    [Fact]
    public void The_bound_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommit<int>(_ => Task.CompletedTask, capacity: 0));
}
