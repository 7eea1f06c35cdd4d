using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>Settings of <c>ers-load journeys</c> (see <see cref="Usage"/>).</summary>
public sealed record JourneySettings(
    string PkiDirectory,
    Uri AgentApi,
    Uri? ErsPages,
    string ErsPagePath,
    string? BusinessFunctionPath,
    Uri? Baseline,
    int Users,
    int Workstations,
    string Mode,
    double Rate,
    double RampSeconds,
    double DurationSeconds,
    int Concurrency,
    int PageViews,
    int Heartbeats,
    int PageViewSessions,
    int PageViewConcurrency,
    double PageViewSliceSeconds,
    int PageViewSlices,
    IReadOnlyList<KeyValuePair<string, int>> Processes,
    string OutputDirectory,
    string Label,
    string Command)
{
    public const string Usage = """
        ers-load journeys --pki DIR --agent-url https://127.0.0.1:5443 [options]
          --mode open|closed        open: arrivals at --rate logins/s after a linear --ramp; closed: --concurrency loops
          --rate N --ramp S --duration S --concurrency N
          --users N --workstations N --page-views N --heartbeats N
          --ers-url URL --ers-page PATH [--business-function-path PATH]   Ers browser pages (node-local session check)
          --baseline-url URL         the Redis-session baseline app (tests/Ers.Baseline)
          --pv-sessions N --pv-concurrency N --pv-slice S --pv-slices N   page-view phase, Ers and baseline alternating
          --watch name=pid,...       processes whose CPU and RSS are sampled from /proc
          --out DIR --label TEXT
        """;

    public static JourneySettings From(Arguments a, string command)
    {
        var settings = new JourneySettings(
            a.Required("pki"),
            new Uri(a.String("agent-url", "https://127.0.0.1:5443")),
            a.Optional("ers-url") is { } ers ? new Uri(ers) : null,
            a.String("ers-page", "/"),
            a.Optional("business-function-path"),
            a.Optional("baseline-url") is { } bl ? new Uri(bl) : null,
            a.Int("users", 2000),
            a.Int("workstations", 64),
            a.String("mode", "open"),
            a.Double("rate", 200),
            a.Double("ramp", 10),
            a.Double("duration", 60),
            a.Int("concurrency", 32),
            a.Int("page-views", 4),
            a.Int("heartbeats", 2),
            a.Int("pv-sessions", 1000),
            a.Int("pv-concurrency", 64),
            a.Double("pv-slice", 5),
            a.Int("pv-slices", 6),
            a.Processes("watch"),
            a.String("out", "artifacts/perf"),
            a.String("label", "journeys"),
            command);
        a.ThrowIfUnknown();
        return settings.Mode is "open" or "closed" ? settings : throw new ArgumentException("--mode must be open or closed.");
    }
}

/// <summary>
/// Runs many simulated workstations through full card journeys (open or closed loop), then a page-view phase that
/// loads Ers's session check and the Redis baseline in alternating slices, and writes the report.
/// </summary>
public sealed class JourneyRun(JourneySettings settings)
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
        var pages = settings.ErsPages is { } ers ? SimulatedFleet.CreatePageClient(ers, 256) : null;
        var baseline = settings.Baseline is { } bl ? SimulatedFleet.CreatePageClient(bl, 256) : null;
        Console.WriteLine($"Fleet ready in {setup.Elapsed.TotalSeconds:F1} s.");

        var journey = new Journey(_metrics, new JourneyOptions(settings.PageViews, settings.Heartbeats, pages, settings.ErsPagePath,
            settings.BusinessFunctionPath, baseline, RemoveCard: true));
        var freeCards = new ConcurrentQueue<SimulatedCard>(cards);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _clock.Start();
        var ticker = TickAsync(stop.Token);

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
        if (settings.PageViewSlices > 0 && (pages is not null || baseline is not null))
        {
            _phase = "page-views: login";
            await PageViewPhaseAsync(journey, freeCards, workstations, pages, baseline, stop.Token);
        }

        await stop.CancelAsync();
        await ticker;
        var report = RunReport.Build(settings, _metrics, _series, _slices, _sampler.Totals(), journeyPhaseEnd);
        var (json, markdown) = report.Write(settings.OutputDirectory, settings.Label);
        Console.WriteLine($"Report: {markdown} and {json}");
        return 0;
    }

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
        var holder = new Journey(_metrics, new JourneyOptions(0, 0, pages, settings.ErsPagePath, settings.BusinessFunctionPath, baseline, RemoveCard: false));
        var held = new ConcurrentBag<HeldSession>();
        var take = Math.Min(settings.PageViewSessions, freeCards.Count);
        var toHold = new ConcurrentQueue<SimulatedCard>();
        for (var i = 0; i < take && freeCards.TryDequeue(out var c); i++)
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
            }
        }));
        var sessions = held.ToArray();
        Console.WriteLine($"Page-view phase: {sessions.Length} sessions held on both; {settings.PageViewSlices} slices of {settings.PageViewSliceSeconds} s.");

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

        _phase = "page-views: removal";
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

/// <summary>One slice of the page-view phase.</summary>
public sealed record PageViewSlice(int Slice, string Target, double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs, long Errors);
