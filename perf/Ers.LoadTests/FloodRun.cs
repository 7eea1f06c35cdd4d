using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ers.Testing.Processes;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>
/// Login latency during a flood of unauthenticated requests (issue 13): full card logins at a fixed open-loop rate,
/// first quiet, then at the same rate while flood connections send <c>cards/inserted</c> with no client certificate
/// and/or with one no configured CA issued, as fast as their bounded concurrency allows (<see cref="FloodSource"/>, a
/// process of its own, started with tests/Ers.Testing's <see cref="HostProcess"/>). The flood comes from its
/// own source address, so the per-address rate limit (Ers:RateLimits:PerClientAddress) counts it apart from the
/// workstations, as it would count an attacker on another machine.
/// </summary>
public sealed class FloodRun(FloodSettings settings)
{
    private static readonly TimeSpan FloodTimeout = TimeSpan.FromMinutes(1);

    public async Task<FloodResult> RunAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine($"Issuing {settings.Users} cards and {settings.Workstations} workstation certificates from {settings.PkiDirectory} ...");
        var pki = DevPki.Open(settings.PkiDirectory, TimeProvider.System);
        var cards = new ConcurrentQueue<SimulatedCard>(SimulatedFleet.IssueCards(pki, LoadDirectory.UserIds(settings.Users)));
        var workstations = SimulatedFleet.CreateWorkstations(pki, settings.Workstations, settings.AgentApi, Math.Max(4, 256 / settings.Workstations + 2));
        var webPid = settings.Processes.FirstOrDefault(p => p.Key == "ers-web").Value;

        Console.WriteLine($"Warm-up: {settings.Rate} logins/s for {settings.WarmupSeconds} s (not measured)");
        await OpenLoopAsync(new RunMetrics(), cards, workstations, settings.WarmupSeconds, cancellationToken);
        var quiet = await PhaseAsync("quiet", null, cards, workstations, webPid, cancellationToken);
        await using var floodSource = HostProcess.StartDotnet("flood-source", Path.Combine(AppContext.BaseDirectory, "ers-load.dll"), AppContext.BaseDirectory,
        [
            "flood-source", "--pki", settings.PkiDirectory, "--agent-url", settings.AgentApi.ToString(),
            "--flood-concurrency", settings.FloodConcurrency.ToString(CultureInfo.InvariantCulture),
            "--flood-kinds", string.Join(',', settings.FloodKinds), "--flood-source", settings.FloodSource,
        ]);
        await floodSource.WaitForLineAsync(l => l.StartsWith("flooding", StringComparison.Ordinal), FloodTimeout, "that it floods");
        var flood = await PhaseAsync("flood", floodSource, cards, workstations, webPid, cancellationToken);
        return new FloodResult(settings.Label, settings.Command, DateTimeOffset.UtcNow, MachineInfo.Read(), settings, quiet, flood);
    }

    private async Task<FloodPhase> PhaseAsync(string name, HostProcess? flood, ConcurrentQueue<SimulatedCard> cards,
        SimulatedWorkstation[] workstations, int webPid, CancellationToken cancellationToken)
    {
        if (flood is not null)
        {
            // The flood's connections and TLS sessions first: the phase measures the flood, not its start.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        Console.WriteLine($"Phase {name}: {settings.Rate} logins/s for {settings.PhaseSeconds} s{(flood is null ? "" : $", flood of {settings.FloodConcurrency} in flight ({string.Join(", ", settings.FloodKinds)}) from {settings.FloodSource}")}");
        var metrics = new RunMetrics();
        var web0 = webPid > 0 ? ProcessSampler.CpuSeconds(webPid) ?? 0 : 0;
        var generator0 = ProcessSampler.CpuSeconds(Environment.ProcessId) ?? 0;
        var floodCpu0 = flood is null ? 0 : ProcessSampler.CpuSeconds(flood.Pid) ?? 0;
        var flood0 = flood is null ? 0 : await MarkAsync(flood, 1);
        var started = Stopwatch.GetTimestamp();
        using var progress = new CancellationTokenSource();
        var ticker = ProgressAsync(name, metrics, progress.Token);
        await OpenLoopAsync(metrics, cards, workstations, settings.PhaseSeconds, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var floodCount = flood is null ? 0 : await MarkAsync(flood, 2) - flood0;
        var web = webPid > 0 ? (ProcessSampler.CpuSeconds(webPid) ?? 0) - web0 : 0;
        var generator = (ProcessSampler.CpuSeconds(Environment.ProcessId) ?? 0) - generator0;
        var floodCpu = flood is null ? 0 : (ProcessSampler.CpuSeconds(flood.Pid) ?? 0) - floodCpu0;
        await progress.CancelAsync();
        await ticker;
        IReadOnlyDictionary<string, long> answers = new Dictionary<string, long>();
        if (flood is not null)
        {
            flood.CloseInput();
            var line = await flood.WaitForLineAsync(l => l.StartsWith("answers ", StringComparison.Ordinal), FloodTimeout, "its answers");
            answers = JsonSerializer.Deserialize<Dictionary<string, long>>(line["answers ".Length..]) ?? [];
            await flood.WaitForExitAsync(FloodTimeout);
        }

        var logins = metrics.LoginsCompleted;
        var phase = new FloodPhase(name, Math.Round(seconds, 1), logins,
            metrics.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            metrics.Total(Steps.Login).Summarise(), floodCount, Math.Round(floodCount / seconds, 0), answers,
            Math.Round(web, 2), Math.Round(web / seconds * 100, 1), logins > 0 ? Math.Round(web / logins * 1000, 2) : 0,
            Math.Round(generator / seconds * 100, 1), Math.Round(floodCpu / seconds * 100, 1),
            File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {logins} logins, p50 {phase.Login.P50Ms:F1} p95 {phase.Login.P95Ms:F1} p99 {phase.Login.P99Ms:F1} ms; flood {phase.FloodRequestsPerSecond:F0} req/s; Ers.Web {phase.WebCpuPercentOfOneCore:F0}% CPU, {phase.WebCpuMsPerLogin:F2} ms CPU per login"));
        return phase;
    }

    /// <summary>Logins at <see cref="FloodSettings.Rate"/> per second for <paramref name="seconds"/>, then waits for the last to finish.</summary>
    private async Task OpenLoopAsync(RunMetrics metrics, ConcurrentQueue<SimulatedCard> cards, SimulatedWorkstation[] workstations,
        double seconds, CancellationToken cancellationToken)
    {
        var journey = new Journey(metrics, new JourneyOptions(0, 0, null, "/", null, null, RemoveCard: true));
        var start = Stopwatch.GetTimestamp();
        long launched = 0;
        var running = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (now >= seconds)
            {
                break;
            }

            while (launched < (long)(settings.Rate * now))
            {
                var k = launched++;
                // When the schedule wanted it to start: the generator's own delays count (no coordinated omission).
                var intended = start + (long)(k / settings.Rate * Stopwatch.Frequency);
                if (!cards.TryDequeue(out var card))
                {
                    metrics.Error("generator.no-free-card");
                    continue;
                }

                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await journey.RunAsync(card, workstations[(int)(k % workstations.Length)], intended, cancellationToken);
                    }
                    finally
                    {
                        cards.Enqueue(card);
                    }
                }, CancellationToken.None));
            }

            await Task.Delay(1, CancellationToken.None);
        }

        await Task.WhenAll(running);
    }

    /// <summary>Asks the flood process for its count of answered requests (its <paramref name="number"/>th mark).</summary>
    private static async Task<long> MarkAsync(HostProcess flood, int number)
    {
        await flood.WriteLineAsync("mark");
        var prefix = string.Create(CultureInfo.InvariantCulture, $"mark {number} ");
        var line = await flood.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), FloodTimeout, "a mark");
        return long.Parse(line[prefix.Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task ProgressAsync(string name, RunMetrics metrics, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var interval = metrics.Rotate();
                var login = interval.Find(Steps.Login);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [{name}] logins {(login?.Count ?? 0) / 5.0,6:F0}/s p99 {(login?.Percentile(99) ?? 0) / 1000.0,7:F1} ms | errors {interval.ErrorCount}"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
