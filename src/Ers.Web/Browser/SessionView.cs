using System.Collections.Concurrent;
using Ers.Cluster;
using Ers.Sessions;
using Ers.Staff;
using Microsoft.Extensions.Options;

namespace Ers.Web.Browser;

/// <summary>
/// The node-local view of session validity that every page view consults instead of a grain call.
/// <para>
/// Design: entries (session id to <see cref="SessionStatus"/>) are filled from the session grain on a miss and made
/// current by pushed session ends (<see cref="MarkEnded"/>, fed by the session-end hub). A live entry older than
/// <see cref="BrowserOptions.SessionViewMaxAge"/> (default 1 s) is re-checked with its grain before use, so even a
/// missed push is noticed within that bound (from three quarters of it on, a background call refreshes the entry
/// while page views still use it); an ended entry is final and never becomes live again. Only session
/// ids from authenticated cookies reach this class, so a forged id never activates a grain.
/// </para>
/// <para>
/// Activity: page views call <see cref="ISessionGrain.TouchAsync"/> at most once per
/// <see cref="BrowserOptions.TouchInterval"/> (capped at a tenth of the idle timeout) per session on this node.
/// </para>
/// </summary>
public sealed class SessionView(IGrainFactory grains, TimeProvider time, IOptions<BrowserOptions> options, IOptions<Ers.Grains.SessionOptions> sessionOptions)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _maxAge = options.Value.SessionViewMaxAge;
    private readonly TimeSpan _refreshAfter = options.Value.SessionViewMaxAge * 3 / 4;
    private readonly TimeSpan _touchInterval = Min(options.Value.TouchInterval, sessionOptions.Value.IdleTimeout / 10);

    /// <summary>How often page activity may reach the grain; pages use it to throttle their activity posts.</summary>
    public TimeSpan TouchInterval => _touchInterval;

    public int Count => _entries.Count;

    /// <summary>
    /// The session's status: from this node's view when fresh enough, else from its grain. A live entry in the last
    /// quarter of its <see cref="BrowserOptions.SessionViewMaxAge"/> is still answered, and one background call
    /// refreshes it, so a busy session's page views never wait on the grain; past the bound they do.
    /// </summary>
    public ValueTask<SessionStatus?> GetAsync(string sessionId)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(sessionId, out var entry) && entry.Status is { } status)
        {
            var age = now - status.CheckedAt;
            if (!status.IsLive || age < _maxAge)
            {
                entry.UsedAt = now;
                if (status.IsLive && age >= _refreshAfter)
                {
                    RefreshInBackground(sessionId, entry);
                }

                return ValueTask.FromResult<SessionStatus?>(status);
            }
        }

        return new ValueTask<SessionStatus?>(RefreshAsync(sessionId));
    }

    private void RefreshInBackground(string sessionId, Entry entry)
    {
        if (Interlocked.CompareExchange(ref entry.Refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            // Nobody waits on this call: it keeps its own retry window, not the page view's budget.
            GrainCallBudget.Leave();
            try
            {
                await RefreshAsync(sessionId);
            }
            catch (Exception)
            {
                // Nobody waits on this answer. If the grain cannot be asked now, the entry ages past the bound and the
                // next page view asks inline, where an outage becomes the "try again" page.
            }
            finally
            {
                Volatile.Write(ref entry.Refreshing, 0);
            }
        });
    }

    /// <summary>Asks the grain, whatever the view holds.</summary>
    public async Task<SessionStatus?> RefreshAsync(string sessionId)
    {
        var snapshot = await grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        return snapshot is null ? Forget(sessionId) : Apply(snapshot);
    }

    /// <summary>Records what a grain answered (a snapshot is never older than the call that returned it).</summary>
    public SessionStatus Apply(SessionSnapshot snapshot)
    {
        var now = time.GetUtcNow();
        var options = sessionOptions.Value;
        var status = new SessionStatus(
            snapshot.SessionId,
            snapshot.IsLive,
            snapshot.EndReason,
            snapshot.UserId,
            snapshot.UserName,
            snapshot.Role,
            snapshot.BusinessFunctions.TryGetValue(BusinessFunctions.ReferralsApplication, out var f) ? f : null,
            new SessionDeadlines(
                snapshot.IdleExpiresAt - options.IdleWarning,
                snapshot.IdleExpiresAt,
                snapshot.AbsoluteExpiresAt - options.AbsoluteWarning,
                snapshot.AbsoluteExpiresAt),
            now,
            snapshot.AvailableRoles);
        return Store(status);
    }

    /// <summary>A pushed session end: the entry becomes final and open pages waiting on it wake at once.</summary>
    public void MarkEnded(SessionEnded ended)
    {
        if (_entries.TryGetValue(ended.SessionId, out var entry))
        {
            lock (entry)
            {
                if (entry.Status is { IsLive: true } live)
                {
                    entry.Status = live with { IsLive = false, EndReason = ended.Reason, CheckedAt = time.GetUtcNow() };
                }
            }

            entry.Ended.Cancel();
        }
    }

    /// <summary>Cancelled when this node learns the session ended (a page's event stream waits on it).</summary>
    public CancellationToken EndedToken(string sessionId) => _entries.GetOrAdd(sessionId, _ => new Entry()).Ended.Token;

    /// <summary>
    /// Page-view activity: sent to the grain only when the last one from this node is old enough. Answers the
    /// session's new status when it was sent, else null (nothing changed).
    /// </summary>
    public Task<SessionStatus?> TouchIfDueAsync(string sessionId)
    {
        if (!_entries.TryGetValue(sessionId, out var entry))
        {
            return Task.FromResult<SessionStatus?>(null);
        }

        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref entry.TouchedAtTicks);
        if (now - last < _touchInterval.Ticks || Interlocked.CompareExchange(ref entry.TouchedAtTicks, now, last) != last)
        {
            return Task.FromResult<SessionStatus?>(null);
        }

        return TouchAsync(sessionId);
    }

    /// <summary>Activity the user made in a page: always sent; answers the new deadlines, or null when the session is over.</summary>
    public async Task<SessionStatus?> TouchAsync(string sessionId)
    {
        var outcome = await grains.GetGrain<ISessionGrain>(sessionId).TouchAsync();
        if (outcome.Value is { } deadlines && _entries.TryGetValue(sessionId, out var entry))
        {
            Interlocked.Exchange(ref entry.TouchedAtTicks, time.GetUtcNow().UtcTicks);
            lock (entry)
            {
                if (entry.Status is { IsLive: true } live)
                {
                    entry.Status = live with { Deadlines = deadlines };
                }
            }

            return entry.Status;
        }

        return outcome.IsSuccess ? null : await RefreshAsync(sessionId);
    }

    /// <summary>Re-checks every live entry with its grain (after the hub lost subscriptions and maybe pushes).</summary>
    public async Task RefreshAllLiveAsync()
    {
        foreach (var (id, entry) in _entries)
        {
            if (entry.Status is { IsLive: true })
            {
                await RefreshAsync(id);
            }
        }
    }

    /// <summary>Drops entries nobody asked for lately; the grain answers again on the next miss.</summary>
    public int Evict(TimeSpan unusedFor)
    {
        var cutoff = time.GetUtcNow() - unusedFor;
        var evicted = 0;
        foreach (var (id, entry) in _entries)
        {
            // The token source is left to the collector: a page's event stream may still hold its token.
            if (entry.UsedAt < cutoff && _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
            {
                evicted++;
            }
        }

        return evicted;
    }

    private SessionStatus Store(SessionStatus status)
    {
        var entry = _entries.GetOrAdd(status.SessionId, _ => new Entry());
        lock (entry)
        {
            entry.UsedAt = status.CheckedAt;
            // An ended session never comes back: an answer that raced with a pushed end does not revive it.
            if (entry.Status is { IsLive: false } ended)
            {
                return ended;
            }

            entry.Status = status;
        }

        if (!status.IsLive)
        {
            entry.Ended.Cancel();
        }

        return status;
    }

    private SessionStatus? Forget(string sessionId)
    {
        _entries.TryRemove(sessionId, out _);
        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Entry
    {
        public SessionStatus? Status;
        public DateTimeOffset UsedAt;
        public long TouchedAtTicks;
        public int Refreshing;
        public readonly CancellationTokenSource Ended = new();
    }
}
