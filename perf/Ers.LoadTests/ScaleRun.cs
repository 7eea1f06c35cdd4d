using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ers.Cards;
using Ers.Cluster;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Silos;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>
/// Holds 10k, 100k, 1M ... active sessions in a measured silo, created at grain level through an Orleans client (user
/// imported, card inserted, session started, role chosen: every grain a real session has), and at each level measures
/// the silo's memory per session and the latency of full card logins through the agents' API on top.
/// </summary>
public sealed class ScaleRun(ScaleSettings settings)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        if (settings.Redis is { } redis)
        {
            builder.Configuration["Ers:Cluster:Provider"] = "Redis";
            builder.Configuration["ConnectionStrings:Redis"] = redis;
            builder.Configuration["Ers:Cluster:ClusterId"] = settings.ClusterId;
        }
        else
        {
            builder.Configuration["Ers:Cluster:Provider"] = "Localhost";
            builder.Configuration["Ers:Cluster:GatewayPort"] = settings.GatewayPort.ToString(CultureInfo.InvariantCulture);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddErsClusterClient();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var grains = host.Services.GetRequiredService<IClusterClient>();

        var pki = DevPki.Open(settings.PkiDirectory, TimeProvider.System);
        var cards = SimulatedFleet.IssueCards(pki, LoadDirectory.UserIds(settings.Users));
        var workstations = SimulatedFleet.CreateWorkstations(pki, settings.Workstations, settings.AgentApi, 16);
        using var silo = new HttpClient { BaseAddress = settings.SiloUrl, Timeout = TimeSpan.FromMinutes(5) };

        var levels = new List<ScaleLevel>();
        var m0 = await MemoryAsync(silo, cancellationToken);
        Console.WriteLine($"Silo before any held session: RSS {m0.RssBytes / 1048576.0:F0} MB, GC heap {m0.GcLiveBytes / 1048576.0:F0} MB");
        var (login0, rate0, errors0) = await MeasureLoginsAsync(cards, workstations, cancellationToken);
        levels.Add(new ScaleLevel(0, 0, 0, 0, m0, 0, 0, login0, rate0, errors0, null));
        PrintLevel(levels[^1]);

        var held = 0;
        string? stopped = null;
        foreach (var level in settings.Levels)
        {
            var perSession = levels.Count > 1 ? Math.Max(levels[^1].RssBytesPerSession, levels[^1].GcBytesPerSession) : 16_384;
            var needMb = (level - held) * perSession / 1048576.0;
            var availableMb = AvailableMb();
            if (availableMb - needMb < settings.ReserveMb)
            {
                stopped = $"level {level}: about {needMb:F0} MB more would be needed and {availableMb:F0} MB is available (reserve {settings.ReserveMb} MB)";
                Console.WriteLine("Stopping: " + stopped);
                break;
            }

            var watch = Stopwatch.StartNew();
            var failures = await CreateHeldSessionsAsync(grains, held, level, cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;
            var created = level - held;
            held = level;
            var memory = await SettledMemoryAsync(silo, level, cancellationToken);
            var (login, rate, errors) = await MeasureLoginsAsync(cards, workstations, cancellationToken);
            levels.Add(new ScaleLevel(level, Math.Round(seconds, 1), Math.Round(created / seconds, 0), failures, memory,
                Math.Round((memory.RssBytes - m0.RssBytes) / (double)level, 0),
                Math.Round((memory.GcLiveBytes - m0.GcLiveBytes) / (double)level, 0),
                login, rate, errors, null));
            PrintLevel(levels[^1]);
            // Written after every level too, so a run stopped at a later level still reports the ones it finished.
            Write(levels, "(run still going: later levels not reached yet)", []);
        }

        IReadOnlyList<HeapTypeRow> census = [];
        if (settings.HeapTop > 0 && settings.SiloPid > 0)
        {
            await MemoryAsync(silo, cancellationToken);
            Console.WriteLine("Heap census of the silo (ClrMD) ...");
            try
            {
                census = HeapCensus.Take(settings.SiloPid, settings.HeapTop);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.Diagnostics.Runtime.ClrDiagnosticsException or NotSupportedException)
            {
                Console.WriteLine($"Heap census failed: {e.Message}");
            }
        }

        await host.StopAsync(CancellationToken.None);
        Write(levels, stopped, census);
        return 0;
    }

    /// <summary>
    /// The silo's memory once the grains a login uses only briefly (user, card, workstation) have been collected, as
    /// they are at rest in production; waits at most <c>--settle-seconds</c>, and reports what is still active.
    /// </summary>
    private async Task<SiloMemory> SettledMemoryAsync(HttpClient silo, int held, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long? previousLive = null;
        while (true)
        {
            var memory = await MemoryAsync(silo, cancellationToken);
            var transient = memory.Activations.Where(a => a.Key is "UserGrain" or "CardGrain" or "WorkstationGrain").Sum(a => a.Value);
            // Settled when almost no such grain is left AND the heap stopped shrinking: deactivations finish (directory
            // and catalog entries released) some time after the activation count drops.
            var stable = previousLive is { } before && before - memory.GcLiveBytes < memory.GcLiveBytes / 50;
            previousLive = memory.GcLiveBytes;
            if ((transient <= held / 1000 && stable) || watch.Elapsed.TotalSeconds >= settings.SettleSeconds)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  settled after {watch.Elapsed.TotalSeconds:F0} s: {string.Join(", ", memory.Activations.OrderByDescending(a => a.Value).Select(a => $"{a.Key} {a.Value}"))}"));
                return memory;
            }

            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        }
    }

    /// <summary>Creates held sessions <c>from..to-1</c>: each with its own user, card and workstation, role chosen.</summary>
    private async Task<long> CreateHeldSessionsAsync(IClusterClient grains, int from, int to, CancellationToken cancellationToken)
    {
        long failures = 0;
        long done = 0;
        var next = from - 1;
        var progress = Stopwatch.StartNew();
        long lastPrint = 0;
        var workers = Enumerable.Range(0, settings.CreateConcurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < to && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (!await CreateOneAsync(grains, i))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception e) when (e is OrleansException or TimeoutException or StoreUnavailableException or AuditUnavailableException)
                {
                    // Counted, not fatal: a store that stalls for a moment at a million sessions is part of the finding.
                    Interlocked.Increment(ref failures);
                }

                var d = Interlocked.Increment(ref done);
                var second = (long)progress.Elapsed.TotalSeconds;
                var printed = Interlocked.Read(ref lastPrint);
                if (second - printed >= 5 && Interlocked.CompareExchange(ref lastPrint, second, printed) == printed)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  [{progress.Elapsed.TotalSeconds,6:F0}s] held {from + d,9} ({d / progress.Elapsed.TotalSeconds,6:F0}/s), failures {Interlocked.Read(ref failures)}, silo RSS {(ProcessSampler.ReadRssKb(settings.SiloPid) ?? 0) / 1024,6} MB, available {AvailableMb(),6:F0} MB"));
                }
            }
        });
        await Task.WhenAll(workers);
        return failures;
    }

    private static async Task<bool> CreateOneAsync(IClusterClient grains, int i)
    {
        var userId = "6" + i.ToString("D11", CultureInfo.InvariantCulture);
        var roles = new[]
        {
            new RoleProfile("5" + i.ToString("D11", CultureInfo.InvariantCulture), "E82665", "Riverside Surgery", "S8000:G8000:R8000",
                "Clinical Practitioner Access Role", ["B1101", "B1102"]),
            new RoleProfile("4" + i.ToString("D11", CultureInfo.InvariantCulture), "RYY", "Kent Community Health NHS Foundation Trust",
                "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1110"]),
        };
        await grains.GetGrain<IUserGrain>(userId).ImportAsync(new StaffUser(userId, $"Held User {i}", roles));
        var workstationId = "WS-HELD-" + i.ToString("D7", CultureInfo.InvariantCulture);
        var card = grains.GetGrain<ICardGrain>(Guid.NewGuid().ToString("D"));
        var started = await card.LogInAsync(workstationId, userId);
        return started.IsSuccess
            && (await grains.GetGrain<ISessionGrain>(started.Value!.SessionId).SelectRoleAsync(roles[0].RoleProfileId)).IsSuccess;
    }

    /// <summary>Full card logins through the API at <c>--login-rate</c> for <c>--login-seconds</c> (open loop, no ramp).</summary>
    private async Task<(LatencySummary Login, double Rate, IReadOnlyDictionary<string, long> Errors)> MeasureLoginsAsync(
        SimulatedCard[] cards, SimulatedWorkstation[] workstations, CancellationToken cancellationToken)
    {
        var metrics = new RunMetrics();
        var journey = new Journey(metrics, new JourneyOptions(0, 1, null, "/", null, null, RemoveCard: true));
        var free = new ConcurrentQueue<SimulatedCard>(cards);
        var running = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        long launched = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < settings.LoginSeconds && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * settings.LoginRate);
            while (launched < due)
            {
                var intended = start + (long)(launched / settings.LoginRate * Stopwatch.Frequency);
                var workstation = workstations[launched % workstations.Length];
                launched++;
                if (!free.TryDequeue(out var card))
                {
                    metrics.Error("generator.no-free-card");
                    continue;
                }

                running.Add(Task.Run(async () =>
                {
                    await journey.RunAsync(card, workstation, intended, cancellationToken);
                    free.Enqueue(card);
                }, cancellationToken));
            }

            await Task.Delay(1, cancellationToken);
        }

        await Task.WhenAll(running);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (metrics.Total(Steps.Login).Summarise(), Math.Round(metrics.LoginsCompleted / seconds, 1),
            metrics.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
    }

    private static async Task<SiloMemory> MemoryAsync(HttpClient silo, CancellationToken cancellationToken) =>
        await silo.GetFromJsonAsync<SiloMemory>("/perf/memory", Json, cancellationToken)
            ?? throw new InvalidOperationException("The measured silo answered nothing at /perf/memory.");

    private static double AvailableMb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable", StringComparison.Ordinal));
        return long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static void PrintLevel(ScaleLevel l) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Level {l.HeldSessions,9}: RSS {l.Memory.RssBytes / 1048576.0,7:F0} MB, GC live {l.Memory.GcLiveBytes / 1048576.0,7:F0} MB, " +
        $"per session RSS {l.RssBytesPerSession,6:F0} B / GC {l.GcBytesPerSession,6:F0} B; login p50 {l.Login.P50Ms:F1} p99 {l.Login.P99Ms:F1} ms at {l.LoginsPerSecond}/s; " +
        $"errors {string.Join(", ", l.LoginErrors.Select(e => $"{e.Key}={e.Value}"))}"));

    private void Write(IReadOnlyList<ScaleLevel> levels, string? stopped, IReadOnlyList<HeapTypeRow> census)
    {
        Directory.CreateDirectory(settings.OutputDirectory);
        var report = new { settings.Label, settings.Command, FinishedAt = DateTimeOffset.UtcNow, Machine = MachineInfo.Read(), Settings = settings, Levels = levels, StoppedBecause = stopped, HeapCensus = census };
        File.WriteAllText(Path.Combine(settings.OutputDirectory, settings.Label + ".json"), JsonSerializer.Serialize(report, Json));
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Scale run `{settings.Label}`").AppendLine();
        md.AppendLine(c, $"- command: `{settings.Command}`");
        md.AppendLine(c, $"- held sessions created at grain level through an Orleans client, each with its own user, card and workstation grain, role chosen; logins through the agents' API at {settings.LoginRate}/s for {settings.LoginSeconds} s at each level");
        md.AppendLine(c, $"- memory from the silo's own `/perf/memory` after a full blocking compacting GC; RSS from /proc").AppendLine();
        md.AppendLine("| held sessions | created/s | create failures | silo RSS MB | GC live MB | RSS B/session | GC B/session | login p50 ms | login p99 ms | login max ms | logins/s | login errors |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var l in levels)
        {
            md.AppendLine(c, $"| {l.HeldSessions} | {l.CreatedPerSecond} | {l.CreateFailures} | {l.Memory.RssBytes / 1048576.0:F0} | {l.Memory.GcLiveBytes / 1048576.0:F0} | {l.RssBytesPerSession:F0} | {l.GcBytesPerSession:F0} | {l.Login.P50Ms:F2} | {l.Login.P99Ms:F2} | {l.Login.MaxMs:F1} | {l.LoginsPerSecond} | {string.Join(", ", l.LoginErrors.Select(e => $"`{e.Key}` {e.Value}"))} |");
        }

        md.AppendLine().AppendLine("Activations by grain type at the last level: " +
            string.Join(", ", levels[^1].Memory.Activations.Select(a => $"{a.Key} {a.Value}")));
        if (stopped is not null)
        {
            md.AppendLine().AppendLine("Stopped early: " + stopped);
        }

        if (census.Count > 0)
        {
            var held = Math.Max(1, levels[^1].HeldSessions);
            md.AppendLine().AppendLine(c, $"Silo heap by type at {held} held sessions (shallow sizes, after a full compacting GC; per session = bytes / held sessions):").AppendLine();
            md.AppendLine("| type | objects | MB | bytes per session |").AppendLine("|---|---:|---:|---:|");
            foreach (var row in census)
            {
                md.AppendLine(c, $"| `{row.Type}` | {row.Count} | {row.Bytes / 1048576.0:F1} | {row.Bytes / (double)held:F0} |");
            }
        }

        File.WriteAllText(Path.Combine(settings.OutputDirectory, settings.Label + ".md"), md.ToString());
        Console.WriteLine($"Report: {Path.Combine(settings.OutputDirectory, settings.Label + ".md")}");
    }
}
