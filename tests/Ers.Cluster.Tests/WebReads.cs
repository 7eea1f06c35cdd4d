using System.Collections.Concurrent;
using Ers.Sessions;
using Ers.Testing.Silos;

namespace Ers.Cluster.Tests;

/// <summary>One session read as a web node makes it for a page view, timed.</summary>
internal sealed record WebRead(LoginAttempt Session, TimeSpan StartedAt, TimeSpan Took, SessionSnapshot? Answer, Exception? Error);

/// <summary>
/// Reads known sessions continuously through a client, as web nodes do for page views (a cookie's session looked up
/// in its grain), rotating through the sessions with the probe session every other read, until stopped.
/// </summary>
internal sealed class WebReads : IAsyncDisposable
{
    private const int Readers = 4;

    private readonly ConcurrentQueue<WebRead> _results = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _readers;

    public WebReads(IClusterClient client, LoginDriver clock, IReadOnlyList<LoginAttempt> sessions, LoginAttempt probe)
    {
        _readers = [.. Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            for (var i = r; !_stop.IsCancellationRequested; i++)
            {
                var session = i % 2 == 0 ? probe : sessions[i / 2 % sessions.Count];
                var started = clock.Now;
                try
                {
                    var answer = await client.GetGrain<ISessionGrain>(session.SessionId).GetAsync();
                    _results.Enqueue(new WebRead(session, started, clock.Now - started, answer, null));
                }
                catch (Exception e)
                {
                    _results.Enqueue(new WebRead(session, started, clock.Now - started, null, e));
                }

                // A page view rate, not a flood: the two-core test machine also runs the silos and the login driver.
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        }))];
    }

    public IReadOnlyList<WebRead> Results => [.. _results.OrderBy(r => r.StartedAt)];

    public int SucceededSince(TimeSpan since, string sessionId) =>
        _results.Count(r => r.StartedAt >= since && r.Error is null && r.Session.SessionId == sessionId);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
