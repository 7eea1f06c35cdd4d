using Ers.Agent.Api;
using Ers.Agent.PcSc;
using Ers.Api;

namespace Ers.Agent.Journey;

/// <summary>
/// The agent: watches every reader and runs one independent <see cref="ReaderJourney"/> per card. On removal it
/// tells Ers at once (which ends every session bound to the card) and waits for the next card. While cards are in,
/// it sends a heartbeat every <paramref name="heartbeatInterval"/>. Login links are opened only on
/// <paramref name="browserOrigin"/> (by default the origin of the API's server).
/// </summary>
public sealed class AgentJourney(
    ICardReaderService readers,
    IAgentApi api,
    IAgentUi ui,
    IBrowserLauncher? browser,
    TimeSpan heartbeatInterval,
    TimeProvider timeProvider,
    Uri? browserOrigin = null)
{
    private static readonly TimeSpan RemovalReportTimeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, Running> _journeys = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly string _browserOrigin = browserOrigin is null ? api.ServerOrigin : LoginStatement.Origin(browserOrigin);

    /// <summary>Every reader event as it is handled (for measurements and tests).</summary>
    public event Action<ReaderEvent>? ReaderEventHandled;

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

    private async Task HandleAsync(ReaderEvent item)
    {
        switch (item.Kind)
        {
            case ReaderEventKind.CardInserted:
                await EndAsync(item.Reader);
                var journey = new ReaderJourney(item.Reader, readers, api, ui, browser, timeProvider, _browserOrigin);
                var removed = new CancellationTokenSource();
                lock (_lock)
                {
                    _journeys[item.Reader] = new Running(journey, removed, Task.Run(() => journey.RunAsync(removed.Token)));
                }
                break;
            case ReaderEventKind.CardRemoved:
                if (await EndAsync(item.Reader) is { } hadSession)
                {
                    // "Session ended" only when there was one: a card pulled at the passcode prompt had none.
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

    /// <summary>
    /// Ends the reader's journey, if any, and reports the card removed. Null when there was no journey, otherwise
    /// whether it had a session.
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
        var hadSession = running.Journey.SessionToken is not null;
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
        using var timer = new PeriodicTimer(heartbeatInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                List<string> tokens;
                bool anyCard;
                lock (_lock)
                {
                    anyCard = _journeys.Count > 0;
                    tokens = [.. _journeys.Values.Select(r => r.Journey.SessionToken).OfType<string>()];
                }
                if (!anyCard)
                {
                    continue;
                }
                try
                {
                    await api.HeartbeatAsync(new HeartbeatRequest(tokens), cancellationToken);
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

    private sealed record Running(ReaderJourney Journey, CancellationTokenSource Removed, Task Task);
}
