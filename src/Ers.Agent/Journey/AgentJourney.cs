using Ers.Agent.Api;
using Ers.Agent.PcSc;
using Ers.Api;

namespace Ers.Agent.Journey;

/// <summary>
/// The agent: watches every reader and runs one independent <see cref="ReaderJourney"/> per card. On removal it
/// tells Ers at once (which ends every session bound to the card) and waits for the next card. While cards are in,
/// it sends heartbeats at the period the server's last answer named (<paramref name="heartbeatInterval"/> only
/// until the first answer, or when Ers cannot be reached), and a session the answer reports ended is shown as ended
/// with the server's reason; the card can stay in: <see cref="LogInAgainAsync"/> (the status icon's "Log in again")
/// or a re-insertion starts the next login.
/// Login links are opened only on <paramref name="browserOrigin"/> (by default the origin of the API's server).
/// </summary>
public sealed class AgentJourney(
    ICardReaderService readers,
    IAgentApi api,
    IAgentUi ui,
    IBrowserLauncher? browser,
    TimeSpan heartbeatInterval,
    TimeProvider timeProvider,
    Uri? browserOrigin = null,
    bool rolesInBrowser = false)
{
    /// <summary>What a clinician does after a session ended with the card still in.</summary>
    public const string LogInAgainHint = "To log in again, choose \"Log in again\" in the Ers icon's menu, or remove the card and insert it again.";

    /// <summary>Said when the clinician logs out from the agent (the status icon's "Log out").</summary>
    public const string LoggedOut = "You logged out.";

    // The server's period is trusted within sane bounds: a broken answer must neither flood Ers nor let sessions lapse.
    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaximumPeriod = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RemovalReportTimeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, Running> _journeys = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _periodTicks = Bounded(heartbeatInterval).Ticks;
    private readonly string _browserOrigin = browserOrigin is null ? api.ServerOrigin : LoginStatement.Origin(browserOrigin);

    /// <summary>Every reader event as it is handled (for measurements and tests).</summary>
    public event Action<ReaderEvent>? ReaderEventHandled;

    /// <summary>The heartbeat period in force: the server's latest, or the configured one until Ers has answered.</summary>
    public TimeSpan HeartbeatPeriod => TimeSpan.FromTicks(Interlocked.Read(ref _periodTicks));

    /// <summary>Whether some reader's card has a live session (for the status icon's menu).</summary>
    public bool HasSession
    {
        get
        {
            lock (_lock)
            {
                return _journeys.Values.Any(r => r.LiveToken is not null);
            }
        }
    }

    /// <summary>Whether some reader's card is in with its journey over (for the status icon's "Log in again").</summary>
    public bool CanLogInAgain
    {
        get
        {
            lock (_lock)
            {
                return _journeys.Values.Any(r => r.IsOver);
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopHeartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatLoopAsync(stopHeartbeat.Token);
        try
        {
            await foreach (var item in readers.WatchAsync(cancellationToken))
            {
                await HandleAsync(item);
                ReaderEventHandled?.Invoke(item);
            }
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            List<Running> left;
            lock (_lock)
            {
                left = [.. _journeys.Values];
                _journeys.Clear();
            }
            foreach (var running in left)
            {
                await running.Removed.CancelAsync();
                await running.Task;
                running.Removed.Dispose();
            }
        }
    }

    /// <summary>
    /// Starts a new login on every reader (or <paramref name="reader"/>) whose card is still in but whose journey is
    /// over: its session ended, it was refused, or the passcode was cancelled. A journey in progress or a live
    /// session is left alone. Returns the readers restarted.
    /// </summary>
    public async Task<IReadOnlyList<string>> LogInAgainAsync(string? reader = null)
    {
        List<Running> finished;
        lock (_lock)
        {
            finished = [.. _journeys.Values.Where(r => (reader is null || r.Journey.Reader == reader) && r.IsOver)];
        }
        var restarted = new List<string>();
        foreach (var old in finished)
        {
            await old.Task;
            lock (_lock)
            {
                // A removal or another restart may have replaced it meanwhile.
                if (!_journeys.TryGetValue(old.Journey.Reader, out var current) || current != old)
                {
                    continue;
                }
                Start(old.Journey.Reader);
            }
            old.Removed.Dispose();
            restarted.Add(old.Journey.Reader);
        }
        return restarted;
    }

    /// <summary>
    /// Ends every live session of this agent at Ers (the status icon's "Log out"): the session ends as a card pull
    /// would end it, recorded as a logout, and the card can stay in for the next login.
    /// </summary>
    public async Task LogOutAsync(CancellationToken cancellationToken)
    {
        List<(Running Running, string Token)> live;
        lock (_lock)
        {
            live = [.. _journeys.Values.Where(r => r.LiveToken is not null).Select(r => (r, r.LiveToken!))];
        }
        foreach (var (running, token) in live)
        {
            try
            {
                await api.LogoutAsync(new SessionRequest(token), cancellationToken);
                if (running.End(token))
                {
                    ui.Show(new AgentNotice(running.Journey.Reader, JourneyState.Ended, NoticeLevel.Warning, $"{LoggedOut} {LogInAgainHint}"));
                }
            }
            catch (AgentApiException ex)
            {
                ui.Show(new AgentNotice(running.Journey.Reader, JourneyState.Active, NoticeLevel.Error, "You are still logged in: " + AgentMessages.Describe(ex)));
            }
        }
    }

    private async Task HandleAsync(ReaderEvent item)
    {
        switch (item.Kind)
        {
            case ReaderEventKind.CardInserted:
                await EndAsync(item.Reader);
                lock (_lock)
                {
                    Start(item.Reader);
                }
                break;
            case ReaderEventKind.CardRemoved:
                if (await EndAsync(item.Reader) is { } hadSession)
                {
                    // "Session ended" only when there was one: a card pulled at the passcode prompt had none, and a
                    // session the server ended was already reported.
                    ui.Show(new AgentNotice(item.Reader, JourneyState.Waiting, NoticeLevel.Info,
                        hadSession ? AgentMessages.SessionEndedByRemoval : AgentMessages.CardRemoved));
                }
                break;
            case ReaderEventKind.ServiceUnavailable:
                ui.Show(new AgentNotice("", JourneyState.Waiting, NoticeLevel.Error, AgentMessages.ServiceNotRunning));
                break;
            case ReaderEventKind.ServiceAvailable:
                ui.Show(new AgentNotice("", JourneyState.Waiting, NoticeLevel.Info, AgentMessages.ServiceBack));
                break;
            case ReaderEventKind.NoReaders:
                ui.Show(new AgentNotice("", JourneyState.Waiting, NoticeLevel.Warning, AgentMessages.NoReader));
                break;
        }
    }

    // Under _lock.
    private void Start(string reader)
    {
        var journey = new ReaderJourney(reader, readers, api, ui, browser, timeProvider, _browserOrigin, rolesInBrowser);
        var removed = new CancellationTokenSource();
        _journeys[reader] = new Running(journey, removed, Task.Run(() => journey.RunAsync(removed.Token)));
    }

    /// <summary>
    /// Ends the reader's journey, if any, and reports the card removed. Null when there was no journey, otherwise
    /// whether it had a session still live.
    /// </summary>
    private async Task<bool?> EndAsync(string reader)
    {
        Running? running;
        lock (_lock)
        {
            _journeys.Remove(reader, out running);
        }
        if (running is null)
        {
            return null;
        }
        var hadSession = running.LiveToken is not null;
        await running.Removed.CancelAsync();
        // The card id is known as soon as the CHUID was read; report before waiting for the journey to unwind.
        if (running.Journey.CardId is { } cardId)
        {
            try
            {
                // Bounded: a slow Ers must not hold up the other reader's events for long.
                using var timeout = new CancellationTokenSource(RemovalReportTimeout);
                await api.CardRemovedAsync(new CardRemovedRequest(cardId), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                ui.Show(new AgentNotice(reader, JourneyState.Ended, NoticeLevel.Warning, "Ers did not answer the card removal in time."));
            }
            catch (AgentApiException ex)
            {
                ui.Show(new AgentNotice(reader, JourneyState.Ended, NoticeLevel.Warning, "Ers was not told that the card was removed: " + AgentMessages.Describe(ex)));
            }
        }
        await running.Task;
        running.Removed.Dispose();
        return hadSession;
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(HeartbeatPeriod, timeProvider, cancellationToken);
                List<(Running Running, string Token)> live;
                bool anyCard;
                lock (_lock)
                {
                    anyCard = _journeys.Count > 0;
                    live = [.. _journeys.Values.Where(r => r.LiveToken is not null).Select(r => (r, r.LiveToken!))];
                }
                if (!anyCard)
                {
                    continue;
                }
                try
                {
                    var answer = await api.HeartbeatAsync(new HeartbeatRequest([.. live.Select(l => l.Token)]), cancellationToken);
                    Follow(answer, live);
                }
                catch (AgentApiException ex)
                {
                    ui.Show(new AgentNotice("", JourneyState.Active, NoticeLevel.Warning, AgentMessages.Describe(ex)));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Agent stopping.
        }
    }

    /// <summary>Takes the server's period, and ends what the server says has ended (answers are in token order).</summary>
    private void Follow(HeartbeatResponse answer, List<(Running Running, string Token)> sent)
    {
        if (answer.HeartbeatPeriod > TimeSpan.Zero)
        {
            Interlocked.Exchange(ref _periodTicks, Bounded(answer.HeartbeatPeriod).Ticks);
        }
        // An answer from an older Ers (or a malformed one) may lack the list: then nothing is known to have ended.
        var sessions = answer.Sessions ?? [];
        for (var i = 0; i < sent.Count && i < sessions.Count; i++)
        {
            var status = sessions[i];
            if (!status.Active && sent[i].Running.End(sent[i].Token))
            {
                var reason = status.Message is { Length: > 0 } message ? message : "Your session has ended.";
                ui.Show(new AgentNotice(sent[i].Running.Journey.Reader, JourneyState.Ended, NoticeLevel.Warning, $"{reason} {LogInAgainHint}"));
            }
        }
    }

    private static TimeSpan Bounded(TimeSpan period) =>
        period < MinimumPeriod ? MinimumPeriod : period > MaximumPeriod ? MaximumPeriod : period;

    private sealed class Running(ReaderJourney journey, CancellationTokenSource removed, Task task)
    {
        private string? _endedToken;

        public ReaderJourney Journey => journey;

        public CancellationTokenSource Removed => removed;

        public Task Task => task;

        /// <summary>The session to keep alive: the journey's, unless it has ended.</summary>
        public string? LiveToken => journey.SessionToken is { } token && token != Volatile.Read(ref _endedToken) ? token : null;

        /// <summary>Whether a new login may start with this card in: the journey finished and has no live session.</summary>
        public bool IsOver => task.IsCompleted && LiveToken is null;

        /// <summary>Marks <paramref name="token"/> ended; false when it was already (it is reported once).</summary>
        public bool End(string token) => Interlocked.Exchange(ref _endedToken, token) != token;
    }
}
