using System.Collections.Concurrent;
using System.Diagnostics;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Xunit;

namespace Ers.Testing.Silos;

/// <summary>
/// Drives logins continuously at grain level, as the web API does (<see cref="CardLogins"/>): import a user with
/// two role profiles, present their card, sign its challenge, choose a role. Each login uses a new user, card,
/// workstation and session id, so every success is a session that must survive whatever the test does next.
/// </summary>
public sealed class LoginDriver(IClusterClient client, int workers = LoginDriver.DefaultWorkers) : IAsyncDisposable
{
    public const int DefaultWorkers = 4;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<LoginAttempt> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _workers = [];
    private static int s_next;

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<LoginAttempt> Attempts => [.. _attempts.OrderBy(a => a.EndedAt)];

    public void Start() =>
        _workers = [.. Enumerable.Range(0, workers).Select(w => Task.Run(() => RunAsync(w)))];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    /// <summary>Attempts that ended after <paramref name="since"/>, in the order they ended.</summary>
    public IReadOnlyList<LoginAttempt> EndedAfter(TimeSpan since) => [.. Attempts.Where(a => a.EndedAt > since)];

    public int SuccessesSince(TimeSpan since) => _attempts.Count(a => a.Succeeded && a.StartedAt >= since);

    public int FailuresSince(TimeSpan since) => _attempts.Count(a => !a.Succeeded && a.EndedAt >= since);

    /// <summary>True once <paramref name="count"/> logins in a row, all started after <paramref name="since"/>, succeeded.</summary>
    public bool RecoveredSince(TimeSpan since, int count)
    {
        var run = 0;
        foreach (var a in Attempts.Where(a => a.StartedAt >= since))
        {
            run = a.Succeeded ? run + 1 : 0;
        }

        return run >= count;
    }

    /// <summary>
    /// A login a test needs as its starting point, not as its subject: one that timed out (the 2 s interactive
    /// timeout, on a cold cluster or a loaded machine: a clear failure a clinician would retry) is tried again with
    /// a new user, card and workstation, five times at most; any other failure is returned as it is.
    /// </summary>
    public static async Task<LoginAttempt> SetUpLoginAsync(IClusterClient client, Stopwatch clock, int worker = 0)
    {
        const int timeoutsAllowed = 5;
        var login = await LoginOnceAsync(client, clock, worker);
        for (var timedOut = 1; timedOut <= timeoutsAllowed && login is { Succeeded: false, Error: TimeoutException }; timedOut++)
        {
            login = await LoginOnceAsync(client, clock, worker);
        }

        return login;
    }

    /// <summary>
    /// What the agents' API does for a user whose card just proved itself, asserted step by step: a new card inserted at
    /// a new workstation (or <paramref name="workstationId"/>), a new session started for <paramref name="userId"/>
    /// (who must be in the directory already), and <paramref name="roleProfileId"/> chosen when given.
    /// </summary>
    public static async Task<StartedSession> StartSessionAsync(IGrainFactory grains, string userId, string? roleProfileId = null, string? workstationId = null)
    {
        var cardId = "card-" + Guid.NewGuid().ToString("N");
        workstationId ??= "ws-" + Guid.NewGuid().ToString("N");
        var card = grains.GetGrain<ICardGrain>(cardId);
        var started = await card.LogInAsync(workstationId, userId);
        Assert.True(started.IsSuccess, started.Refusal?.Message);
        var sessionId = started.Value!.SessionId;
        var session = grains.GetGrain<ISessionGrain>(sessionId);
        if (roleProfileId is not null)
        {
            var role = await session.SelectRoleAsync(roleProfileId);
            Assert.True(role.IsSuccess, role.Refusal?.Message);
        }

        return new StartedSession(cardId, card, workstationId, sessionId, session);
    }

    public static async Task<LoginAttempt> LoginOnceAsync(IClusterClient client, Stopwatch clock, int worker)
    {
        var n = Interlocked.Increment(ref s_next);
        var userId = (100_000_000_000L + (Environment.ProcessId % 1000) * 100_000_000L + n).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cardId = $"card-{Guid.NewGuid():N}";
        // One workstation per login, as in a hospital: each session comes with its own user, card and workstation grain.
        var workstationId = $"ws-{worker}-{n}";
        var sessionId = ""; // the card grain chooses it
        var role = $"5550{n:D8}";
        var started = clock.Elapsed;
        try
        {
            var user = new StaffUser(userId, $"Test User {n}",
            [
                new RoleProfile(role, "RYY", "Test Trust", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1101"]),
                new RoleProfile($"5551{n:D8}", "E82665", "Test Practice", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1110"]),
            ]);
            await client.GetGrain<IUserGrain>(userId).ImportAsync(user);
            var card = client.GetGrain<ICardGrain>(cardId);
            var session = await card.LogInAsync(workstationId, userId);
            if (session.Refusal is { } notStarted)
            {
                return new(userId, cardId, workstationId, sessionId, role, started, clock.Elapsed, false, null, notStarted.Code);
            }

            sessionId = session.Value!.SessionId;

            var chosen = await client.GetGrain<ISessionGrain>(sessionId).SelectRoleAsync(role);
            return chosen.Refusal is { } notChosen
                ? new(userId, cardId, workstationId, sessionId, role, started, clock.Elapsed, false, null, notChosen.Code)
                : new(userId, cardId, workstationId, sessionId, role, started, clock.Elapsed, chosen.Value!.State == SessionState.Active, null, null);
        }
        catch (Exception e)
        {
            return new(userId, cardId, workstationId, sessionId, role, started, clock.Elapsed, false, e, null);
        }
    }

    private async Task RunAsync(int worker)
    {
        while (!_stop.IsCancellationRequested)
        {
            _attempts.Enqueue(await LoginOnceAsync(client, _clock, worker));
        }
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
