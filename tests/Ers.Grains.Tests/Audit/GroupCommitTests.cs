using Ers.Audit;
using Ers.Grains.Audit;

namespace Ers.Grains.Tests.Audit;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Items_arriving_during_a_commit_share_the_next_one_and_each_caller_waits_for_its_own()
    {
        var firstCommitEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<int[]>();
        using var commits = new GroupCommit<int>(async items =>
        {
            lock (batches)
            {
                batches.Add([.. items]);
            }

            if (batches.Count == 1)
            {
                firstCommitEntered.SetResult();
                await releaseFirst.Task;
            }
        });

        var first = commits.AddAsync(0);
        await firstCommitEntered.Task;
        var queued = Enumerable.Range(1, 20).Select(i => commits.AddAsync(i)).ToList();

        // Nobody is told "durable" before the commit that carries their item has finished.
        Assert.False(first.IsCompleted);
        Assert.All(queued, t => Assert.False(t.IsCompleted));

        releaseFirst.SetResult();
        await first;
        await Task.WhenAll(queued);

        Assert.Equal([0], batches[0]);
        Assert.Equal(Enumerable.Range(1, 20), batches.Skip(1).SelectMany(b => b));
        Assert.Equal(2, batches.Count); // the 20 that waited went in one commit
    }

    [Fact]
    public async Task A_failed_commit_fails_every_caller_in_it_and_later_items_are_committed()
    {
        var fail = true;
        var committed = new List<int>();
        using var commits = new GroupCommit<int>(items =>
        {
            if (fail)
            {
                fail = false;
                throw new AuditUnavailableException("store down");
            }

            committed.AddRange(items);
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<AuditUnavailableException>(() => commits.AddAsync(1));
        await commits.AddAsync(2);

        Assert.Equal([2], committed);
    }

    [Fact]
    public async Task Dispose_commits_what_is_queued_and_then_refuses_new_items()
    {
        var committed = new List<int>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = new GroupCommit<int>(async items =>
        {
            await release.Task; // the first commit is still in flight while the rest queue up
            committed.AddRange(items);
        });

        var pending = Enumerable.Range(0, 50).Select(i => commits.AddAsync(i)).ToList();
        release.SetResult();
        commits.Dispose();

        await Task.WhenAll(pending);
        Assert.Equal(Enumerable.Range(0, 50), committed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commits.AddAsync(51));
    }

    [Fact]
    public async Task The_file_trail_keeps_every_record_of_concurrent_appends()
    {
        var dir = Directory.CreateTempSubdirectory("ers-audit-");
        try
        {
            var path = Path.Combine(dir.FullName, "audit.jsonl");
            var ids = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).ToList();
            using (var trail = new FileAuditTrail(path))
            {
                await Task.WhenAll(ids.Select(id => Task.Run(() =>
                    trail.AppendAsync(new AuditRecord(id, DateTimeOffset.UnixEpoch, AuditEvent.SessionCreated, AuditOutcome.Success, null)))));

                var stored = await trail.QueryAsync(new AuditQuery(Limit: 1000));
                Assert.Equal(ids.Order(), stored.Select(r => r.Id).Order());
            }

            Assert.Equal(500, File.ReadLines(path).Count(l => l.Length > 0));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
