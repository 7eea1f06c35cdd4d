using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>
/// Runs many simulated workstations through full card journeys (open or closed loop), then a page-view phase that
/// loads Ers's session check and the Redis baseline in alternating slices, and writes the report.
/// </summary>
/// <param name="settings">What to run.</param>
/// <param name="faults">
/// The fault and recovery as actions of the harness (<c>ers-load bench resilience</c>), run at
/// <see cref="JourneySettings.FaultAt"/> and <see cref="JourneySettings.RecoverAt"/> instead of the shell commands
/// <see cref="JourneySettings.Fault"/> and <see cref="JourneySettings.Recover"/>, which then only describe them.
/// </param>
public sealed class JourneyRun(JourneySettings settings, RunFaults? faults = null)
{
    private const int MaxInFlight = 20_000;

    private readonly RunMetrics _metrics = new();
    private readonly List<TimePoint> _series = [];
    private readonly List<PageViewSlice> _slices = [];
    private ProcessSampler _sampler = null!;
    private long _inFlight;
    private string _phase = "setup";
    private double _targetRate;
    private readonly Stopwatch _clock = new();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var watched = settings.Processes.Append(new("generator", Environment.ProcessId)).ToList();
        _sampler = new ProcessSampler(watched);
        Console.WriteLine($"Issuing {settings.Users} cards and {settings.Workstations} workstation certificates from {settings.PkiDirectory} ...");
        var setup = Stopwatch.StartNew();
        var pki = DevPki.Open(settings.PkiDirectory, TimeProvider.System);
        var cards = SimulatedFleet.IssueCards(pki, LoadDirectory.UserIds(settings.Users));
        var maxPerWorkstation = Math.Max(4, (settings.Mode == "closed" ? settings.Concurrency : 256) / settings.Workstations + 2);
        var workstations = SimulatedFleet.CreateWorkstations(pki, settings.Workstations, settings.AgentApi, maxPerWorkstation);
        // Both sites are served over HTTPS with the development server certificate, as a real deployment would be.
        var pages = settings.ErsPages is { } ers ? SimulatedFleet.CreatePageClient(ers, 256, pki.ServerCa.Certificate) : null;
        var baseline = settings.Baseline is { } bl ? SimulatedFleet.CreatePageClient(bl, 256, pki.ServerCa.Certificate) : null;
        Console.WriteLine($"Fleet ready in {setup.Elapsed.TotalSeconds:F1} s.");

        var journey = new Journey(_metrics, new JourneyOptions(settings.PageViews, settings.Heartbeats, pages, settings.ErsPagePath,
            settings.BusinessFunctionPath, baseline, RemoveCard: true));
        var freeCards = new ConcurrentQueue<SimulatedCard>(cards);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        HeldSession[] held = [];
        using var holdStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var holdHeartbeats = Task.CompletedTask;
        if (settings.Hold > 0)
        {
            held = await HoldSessionsAsync(freeCards, workstations, null, null, settings.Hold, cancellationToken);
            holdHeartbeats = HoldHeartbeatsAsync(held, holdStop.Token);
            Console.WriteLine($"Holding {held.Length} sessions (kept alive by heartbeats) through the run.");
        }

        var threads = new ThreadProfile(watched);
        _clock.Start();
        var ticker = TickAsync(stop.Token);
        var faults = FaultsAsync(stop.Token);

        _phase = settings.Mode == "open" ? "open-loop" : "closed-loop";
        if (settings.Mode == "open")
        {
            await OpenLoopAsync(journey, freeCards, workstations, stop.Token);
        }
        else
        {
            await ClosedLoopAsync(journey, freeCards, workstations, stop.Token);
        }

        var journeyPhaseEnd = _clock.Elapsed.TotalSeconds;
        _targetRate = 0;
        await faults;
        ResilienceResult? resilience = null;
        if (settings.Hold > 0 || settings.Fault is not null)
        {
            _phase = "verify held sessions";
            var (lost, lostByCode) = await VerifyHeldAsync(held, cancellationToken);
            await holdStop.CancelAsync();
            await holdHeartbeats;
            await RemoveAllAsync(journey, held, freeCards, cancellationToken);
            resilience = ResilienceResult.From(settings, _series, _faultRanAt, _recoverRanAt, held.Length, lost, lostByCode);
        }
        if (settings.PageViewSlices > 0 && (pages is not null || baseline is not null))
        {
            _phase = "page-views: login";
            await PageViewPhaseAsync(journey, freeCards, workstations, pages, baseline, stop.Token);
        }

        await stop.CancelAsync();
        await ticker;
        var report = RunReport.Build(settings, _metrics, _series, _slices, _sampler.Totals(), journeyPhaseEnd, resilience, threads.Finish());
        var (json, markdown) = report.Write(settings.OutputDirectory, settings.Label);
        Report = report;
        Console.WriteLine($"Report: {markdown} and {json}");
        return 0;
    }

    /// <summary>The report, once <see cref="RunAsync"/> has written it.</summary>
    public RunReport? Report { get; private set; }

    private async Task OpenLoopAsync(Journey journey, ConcurrentQueue<SimulatedCard> freeCards, SimulatedWorkstation[] workstations, CancellationToken cancellationToken)
    {
        var rate = settings.Rate;
        var ramp = Math.Max(0.001, settings.RampSeconds);
        var start = Stopwatch.GetTimestamp();
        long launched = 0;
        var running = new ConcurrentDictionary<Task, byte>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (now >= settings.DurationSeconds)
            {
                break;
            }

            _targetRate = now < ramp ? rate * now / ramp : rate;
            // Arrivals due by now under a linear ramp to `rate`, then a constant rate.
            var due = now < ramp ? rate * now * now / (2 * ramp) : (rate * ramp / 2) + (rate * (now - ramp));
            while (launched < (long)due)
            {
                var k = launched++;
                var intendedSeconds = k < rate * ramp / 2 ? Math.Sqrt(2 * ramp * k / rate) : ramp + ((k - (rate * ramp / 2)) / rate);
                var intended = start + (long)(intendedSeconds * Stopwatch.Frequency);
                if (Interlocked.Read(ref _inFlight) >= MaxInFlight)
                {
                    _metrics.Error("generator.in-flight-limit");
                    continue;
                }

                if (!freeCards.TryDequeue(out var card))
                {
                    _metrics.Error("generator.no-free-card");
                    continue;
                }

                var task = RunOneAsync(journey, card, workstations[(int)(k % workstations.Length)], intended, freeCards, cancellationToken);
                running.TryAdd(task, 0);
                _ = task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        _phase = "drain";
        _targetRate = 0;
        await Task.WhenAll(running.Keys);
    }

    private async Task ClosedLoopAsync(Journey journey, ConcurrentQueue<SimulatedCard> freeCards, SimulatedWorkstation[] workstations, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(settings.DurationSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async w =>
        {
            var workstation = workstations[w % workstations.Length];
            while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                if (!freeCards.TryDequeue(out var card))
                {
                    _metrics.Error("generator.no-free-card");
                    await Task.Yield();
                    continue;
                }

                await RunOneAsync(journey, card, workstation, Stopwatch.GetTimestamp(), freeCards, cancellationToken);
            }
        });
        await Task.WhenAll(workers);
    }

    private async Task RunOneAsync(Journey journey, SimulatedCard card, SimulatedWorkstation workstation, long intended,
        ConcurrentQueue<SimulatedCard> freeCards, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await Task.Yield();
            await journey.RunAsync(card, workstation, intended, cancellationToken);
        }
        finally
        {
            freeCards.Enqueue(card);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// Logs <c>--pv-sessions</c> sessions in on both Ers and the baseline, then loads one and then the other in
    /// alternating slices with the same number of connections, each request naming a random held session.
    /// </summary>
    private async Task PageViewPhaseAsync(Journey journey, ConcurrentQueue<SimulatedCard> freeCards, SimulatedWorkstation[] workstations,
        HttpClient? pages, HttpClient? baseline, CancellationToken cancellationToken)
    {
        var sessions = await HoldSessionsAsync(freeCards, workstations, pages, baseline, settings.PageViewSessions, cancellationToken);
        Console.WriteLine($"Page-view phase: {sessions.Length} sessions held on both; {settings.PageViewSlices} slices of {settings.PageViewSliceSeconds} s.");

        // The held sessions' agents stay alive as real ones do: without heartbeats Ers would (rightly) end them.
        using var heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HoldHeartbeatsAsync(sessions, heartbeatStop.Token);

        for (var slice = 0; slice < settings.PageViewSlices && sessions.Length > 0; slice++)
        {
            var ers = slice % 2 == 0;
            var client = ers ? pages : baseline;
            if (client is null)
            {
                continue;
            }

            _phase = ers ? "page-views: ers" : "page-views: baseline";
            var step = ers ? Steps.PageErs : Steps.PageBaseline;
            var histogram = new LatencyHistogram();
            var sliceMetrics = new RunMetrics();
            var sliceJourney = new Journey(sliceMetrics, new JourneyOptions(0, 0, null, "/", null, null, false));
            var errorsBefore = 0L;
            var until = Stopwatch.GetTimestamp() + (long)(settings.PageViewSliceSeconds * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, settings.PageViewConcurrency).Select(async w =>
            {
                var random = new Random(w * 7919 + slice);
                while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
                {
                    var session = sessions[random.Next(sessions.Length)];
                    var cookie = ers ? session.ErsCookie : session.BaselineCookie;
                    if (cookie is null)
                    {
                        continue;
                    }

                    var t = Stopwatch.GetTimestamp();
                    try
                    {
                        await sliceJourney.PageViewAsync(client, ers ? settings.ErsPagePath : "/page", cookie, step, cancellationToken);
                        histogram.RecordElapsed(t);
                        _metrics.Record(step, t);
                    }
                    catch (StepFailedException e)
                    {
                        _metrics.Error(e.Code);
                        Interlocked.Increment(ref errorsBefore);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        _metrics.Error($"client.{e.GetType().Name}");
                        Interlocked.Increment(ref errorsBefore);
                    }
                }
            }));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var s = histogram.Summarise();
            _slices.Add(new PageViewSlice(slice, ers ? "ers" : "baseline", Math.Round(histogram.Count / seconds, 0), s.P50Ms, s.P99Ms, s.MaxMs, errorsBefore));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  slice {slice} {(ers ? "ers     " : "baseline")}: {histogram.Count / seconds,8:F0} req/s  p50 {s.P50Ms:F2} ms  p99 {s.P99Ms:F2} ms  errors {errorsBefore}"));
        }

        await heartbeatStop.CancelAsync();
        await heartbeats;
        _phase = "page-views: removal";
        await RemoveAllAsync(journey, sessions, freeCards, cancellationToken);
    }

    /// <summary>Logs <paramref name="count"/> sessions in (on the browser pages and the baseline too when given).</summary>
    private async Task<HeldSession[]> HoldSessionsAsync(ConcurrentQueue<SimulatedCard> freeCards, SimulatedWorkstation[] workstations,
        HttpClient? pages, HttpClient? baseline, int count, CancellationToken cancellationToken)
    {
        var holder = new Journey(_metrics, new JourneyOptions(0, 0, pages, settings.ErsPagePath, settings.BusinessFunctionPath, baseline, RemoveCard: false));
        var held = new ConcurrentBag<HeldSession>();
        var toHold = new ConcurrentQueue<SimulatedCard>();
        for (var i = 0; i < count && freeCards.TryDequeue(out var c); i++)
        {
            toHold.Enqueue(c);
        }

        await Task.WhenAll(Enumerable.Range(0, 32).Select(async w =>
        {
            while (toHold.TryDequeue(out var card))
            {
                if (await holder.RunAsync(card, workstations[w % workstations.Length], Stopwatch.GetTimestamp(), cancellationToken) is { } session)
                {
                    held.Add(session);
                }
                else
                {
                    freeCards.Enqueue(card);
                }
            }
        }));
        return held.ToArray();
    }

    private async Task RemoveAllAsync(Journey journey, HeldSession[] sessions, ConcurrentQueue<SimulatedCard> freeCards, CancellationToken cancellationToken) =>
        await Task.WhenAll(sessions.Chunk(Math.Max(1, sessions.Length / 16)).Select(async chunk =>
        {
            foreach (var session in chunk)
            {
                try
                {
                    await journey.RemoveAsync(session.Card, session.Workstation, cancellationToken);
                }
                catch (Exception e) when (e is StepFailedException or HttpRequestException or TaskCanceledException)
                {
                    _metrics.Error("cleanup.removal-failed");
                }

                freeCards.Enqueue(session.Card);
            }
        }));

    /// <summary>
    /// A held session is alive when Ers still issues a browser ticket for it (a refusal such as <c>session.ended</c>
    /// means the fault lost it). Answers are retried for up to 30 s while the cluster may still be settling.
    /// </summary>
    private async Task<(int Lost, IReadOnlyDictionary<string, int> ByCode)> VerifyHeldAsync(HeldSession[] sessions, CancellationToken cancellationToken)
    {
        var byCode = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var lost = 0;
        await Task.WhenAll(sessions.Chunk(Math.Max(1, sessions.Length / 16)).Select(async chunk =>
        {
            foreach (var session in chunk)
            {
                string? code = null;
                var until = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
                do
                {
                    try
                    {
                        using var response = await session.Workstation.Client.PostAsJsonAsync(Api.AgentApiRoutes.BrowserTicket,
                            new Api.SessionRequest(session.SessionToken), cancellationToken);
                        code = response.IsSuccessStatusCode ? null : await Journey.CodeOfAsync(response, "verify", cancellationToken);
                    }
                    catch (HttpRequestException)
                    {
                        code = "client.HttpRequestException";
                    }

                    // Only "cannot tell now" answers are retried; a definite refusal is a lost session.
                    if (code is null || !(code == Api.ApiErrorCodes.StoreUnavailable || code.StartsWith("client.", StringComparison.Ordinal) || code.StartsWith("http.5", StringComparison.Ordinal)))
                    {
                        break;
                    }

                    await Task.Delay(500, cancellationToken);
                }
                while (Stopwatch.GetTimestamp() < until);

                if (code is not null)
                {
                    Interlocked.Increment(ref lost);
                    byCode.AddOrUpdate(code, 1, (_, n) => n + 1);
                }
            }
        }));
        return (lost, byCode);
    }

    private double? _faultRanAt;
    private double? _recoverRanAt;

    /// <summary>Runs the fault, then the recovery, at their times (the harness's actions, or shell commands).</summary>
    private async Task FaultsAsync(CancellationToken cancellationToken)
    {
        foreach (var (at, command, action, isFault) in new[]
        {
            (settings.FaultAt, settings.Fault, faults?.Fault, true),
            (settings.RecoverAt, settings.Recover, faults?.Recover, false),
        })
        {
            if (command is null && action is null)
            {
                continue;
            }

            while (_clock.Elapsed.TotalSeconds < at && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }

            var ranAt = Math.Round(_clock.Elapsed.TotalSeconds, 2);
            string outcome;
            if (action is not null)
            {
                try
                {
                    await action(CancellationToken.None);
                    outcome = "done";
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or OperationCanceledException)
                {
                    outcome = "failed: " + e.Message.Split('\n')[0];
                }
            }
            else
            {
                using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command!]) { UseShellExecute = false })!;
                await process.WaitForExitAsync(CancellationToken.None);
                outcome = $"exit {process.ExitCode}";
            }

            Console.WriteLine($"[{ranAt:F1}s] {(isFault ? "FAULT" : "RECOVER")}: {command} ({outcome})");
            _phase = isFault ? "after fault" : "after recovery";
            if (isFault)
            {
                _faultRanAt = ranAt;
            }
            else
            {
                _recoverRanAt = ranAt;
            }
        }
    }

    /// <summary>Every 10 s, each workstation sends one heartbeat per 32 of its held sessions (the API's limit).</summary>
    private async Task HoldHeartbeatsAsync(HeldSession[] sessions, CancellationToken cancellationToken)
    {
        var batches = sessions.GroupBy(s => s.Workstation)
            .SelectMany(g => g.Chunk(32).Select(chunk => (Workstation: g.Key, Tokens: chunk.Select(s => s.SessionToken).ToList())))
            .ToList();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var (workstation, tokens) in batches)
                {
                    try
                    {
                        var t = Stopwatch.GetTimestamp();
                        using var response = await workstation.Client.PostAsJsonAsync(Api.AgentApiRoutes.Heartbeat, new Api.HeartbeatRequest(tokens), cancellationToken);
                        if (!response.IsSuccessStatusCode)
                        {
                            _metrics.Error(await Journey.CodeOfAsync(response, Steps.Heartbeat, cancellationToken));
                        }
                        else
                        {
                            _metrics.Record(Steps.Heartbeat, t);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        _metrics.Error("client.HttpRequestException (heartbeat)");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        _sampler.Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Tick();
            }
        }
        catch (OperationCanceledException)
        {
        }

        Tick();
    }

    private void Tick()
    {
        var interval = _metrics.Rotate();
        var processes = _sampler.Sample();
        var login = interval.Find(Steps.Login);
        var ers = interval.Find(Steps.PageErs);
        var baseline = interval.Find(Steps.PageBaseline);
        var point = new TimePoint(
            Math.Round(_clock.Elapsed.TotalSeconds, 1), _phase, Math.Round(_targetRate, 1),
            login?.Count ?? 0, (login?.Percentile(50) ?? 0) / 1000.0, (login?.Percentile(99) ?? 0) / 1000.0,
            ers?.Count ?? 0, (ers?.Percentile(99) ?? 0) / 1000.0,
            baseline?.Count ?? 0, (baseline?.Percentile(99) ?? 0) / 1000.0,
            Interlocked.Read(ref interval.ErrorCount), Interlocked.Read(ref _inFlight), processes);
        _series.Add(point);
        var cpu = string.Join(" ", processes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.CpuPercent:F0}%/{p.Value.RssMb:F0}MB")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{point.Second,6:F1}s] {point.Phase,-20} target {point.TargetRate,6:F0}/s logins {point.Logins,6}/s p50 {point.LoginP50Ms,7:F1} p99 {point.LoginP99Ms,7:F1} ms | pages ers {point.PageViewsErs,6} baseline {point.PageViewsBaseline,6} | in flight {point.InFlight,5} errors {point.Errors,4} | {cpu}"));
    }
}
