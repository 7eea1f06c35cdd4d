using Ers.Grains;
using Ers.Grains.Sessions;
using Ers.Grains.SingleSignOn;
using Ers.Sessions;
using Ers.SingleSignOn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ers.Cluster.Sessions;

/// <summary>
/// Ends sessions whose grain is gone and that nobody calls (issue 14): on every silo, but only the one
/// <see cref="SweepRules.IsSweeper"/> names works. On a membership change and every <see cref="Interval"/> it wakes
/// the sessions of silos that died (each re-registers where it lands, with a fresh heartbeat window for its agent) and
/// the resting sessions whose deadline passed; a woken session ends itself, for the right reason, with its one end
/// record, or carries on if it is still alive.
/// </summary>
public sealed partial class SessionSweeper(
    RedisSessionDeadlineIndex index,
    IClusterMembershipService membership,
    IGrainFactory grains,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    ILogger<SessionSweeper> logger) : BackgroundService
{
    /// <summary>How often the sweeper looks when membership is quiet.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    // A registered silo missing from membership this many sweeps running (about 10 s) is taken as gone.
    private const int AbsentSweeps = 5;
    private const int Batch = 500;
    private const int Parallel = 32;
    private const int MaxRounds = 20;

    private readonly Dictionary<string, int> _absent = new(StringComparer.Ordinal);

    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = WatchMembershipAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // A fresh signal before each sweep: a change seen during the sweep starts the next one at once.
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _changed, changed);
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Redis or the cluster is unavailable for a moment: the next sweep tries again; nothing was removed.
                LogSweepFailed(e);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.WhenAny(changed.Task, Task.Delay(Interval, time, stoppingToken));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await feed;
    }

    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                Volatile.Read(ref _changed).TrySetResult();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One sweep; public so a test can run one now.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        if (!SweepRules.IsSweeper(index.LocalSilo, active))
        {
            return;
        }

        var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead)
            .Select(m => m.SiloAddress.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        var db = await index.DatabaseAsync();
        var registered = (await db.SetMembersAsync(index.SilosKey)).Select(v => v.ToString());
        foreach (var silo in SweepRules.Orphaned(registered, active, dead, _absent, AbsentSweeps))
        {
            await DrainAsync(silo, cancellationToken);
        }

        // A live session removes itself from the at-rest set when it activates; one that is over (or never existed)
        // is removed here. Bounded rounds: an entry that stays (a race with a new deactivation) waits for the next sweep.
        for (var round = 0; round < MaxRounds && !cancellationToken.IsCancellationRequested; round++)
        {
            var due = await index.DueAsync(time.GetUtcNow(), Batch);
            var over = await WakeAsync([.. due.Select(d => (d.Id, (DateTimeOffset?)d.Due))], cancellationToken);
            if (over.Count > 0)
            {
                await db.SortedSetRemoveAsync(index.AtRestKey, [.. over.Select(id => (StackExchange.Redis.RedisValue)id)]);
            }

            if (due.Length > 0)
            {
                LogWokeResting(due.Length);
            }

            if (due.Length < Batch)
            {
                break;
            }
        }
    }

    private async Task DrainAsync(string silo, CancellationToken cancellationToken)
    {
        var db = await index.DatabaseAsync();
        var key = index.SiloKey(silo);
        var sessions = (await db.SetMembersAsync(key)).Select(v => v.ToString()).ToArray();
        // Wake first, delete after: a sweeper that dies half-way leaves the set for the next one. A woken session
        // registers under the silo it now lives on, never under the dead one, so nothing is lost by the delete.
        // Their silo's death is the cluster's doing: each gets a fresh heartbeat window (no deadline passed).
        await WakeAsync([.. sessions.Select(id => (id, (DateTimeOffset?)null))], cancellationToken);
        await db.KeyDeleteAsync(key);
        await db.SetRemoveAsync(index.SilosKey, silo);
        LogDrained(silo, sessions.Length);
    }

    /// <summary>
    /// Activates each session, held to the deadline it rested with when it has one (it ends itself if that passed);
    /// answers those that are not live.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> WakeAsync(IReadOnlyList<(string Id, DateTimeOffset? Due)> sessions, CancellationToken cancellationToken)
    {
        var over = new System.Collections.Concurrent.ConcurrentBag<string>();
        await System.Threading.Tasks.Parallel.ForEachAsync(sessions,
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
            async (entry, _) =>
            {
                var (id, due) = entry;
                // A back-channel logout with deliveries pending stands in the index too (BackChannelLogoutIndex).
                var live = BackChannelLogoutIndex.TryParse(id, out var sessionId)
                    ? await grains.GetGrain<IBackChannelLogoutGrain>(sessionId).WakeAsync()
                    : await WakeSessionAsync(grains.GetGrain<ISessionGrain>(id), due);
                if (!live)
                {
                    over.Add(id);
                }
            });
        return over;
    }

    private static async Task<bool> WakeSessionAsync(ISessionGrain session, DateTimeOffset? due) =>
        due is { } deadline ? await session.WakeAtDeadlineAsync(deadline) : await session.GetAsync() is { IsLive: true };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The session sweep failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Woke {Count} sessions of silo {Silo}, which is gone")]
    private partial void LogDrained(string silo, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Woke {Count} resting sessions whose deadline passed")]
    private partial void LogWokeResting(int count);
}
