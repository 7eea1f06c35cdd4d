using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>
/// Login latency during a flood of unauthenticated requests (issue 13): full card logins at a fixed open-loop rate,
/// first quiet, then at the same rate while flood connections send <c>cards/inserted</c> with no client certificate
/// and/or with one no configured CA issued, as fast as their bounded concurrency allows. The flood comes from its
/// own source address, so the per-address rate limit (Ers:RateLimits:PerClientAddress) counts it apart from the
/// workstations, as it would count an attacker on another machine.
/// </summary>
public sealed class FloodRun(FloodSettings settings)
{
    private static readonly byte[] FloodBody = """{"cardId":"00000000-0000-0000-0000-000000000000","certificate":"AA=="}"""u8.ToArray();

    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);
    private long _floodRequests;

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
        using var floodClients = new FloodClients(settings, pki.ServerCa.Certificate);
        var flood = await PhaseAsync("flood", floodClients, cards, workstations, webPid, cancellationToken);
        return new FloodResult(settings.Label, settings.Command, DateTimeOffset.UtcNow, MachineInfo.Read(), settings, quiet, flood);
    }

    private async Task<FloodPhase> PhaseAsync(string name, FloodClients? flood, ConcurrentQueue<SimulatedCard> cards,
        SimulatedWorkstation[] workstations, int webPid, CancellationToken cancellationToken)
    {
        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Task.CompletedTask;
        if (flood is not null)
        {
            _answers.Clear();
            workers = Task.WhenAll(flood.Clients.Select(c => FloodAsync(c.Kind, c.Client, stopFlood.Token)));
            // The flood's connections and TLS sessions first: the phase measures the flood, not its start.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        Console.WriteLine($"Phase {name}: {settings.Rate} logins/s for {settings.PhaseSeconds} s{(flood is null ? "" : $", flood of {settings.FloodConcurrency} in flight ({string.Join(", ", settings.FloodKinds)}) from {settings.FloodSource}")}");
        var metrics = new RunMetrics();
        var web0 = webPid > 0 ? ProcessSampler.CpuSeconds(webPid) ?? 0 : 0;
        var generator0 = ProcessSampler.CpuSeconds(Environment.ProcessId) ?? 0;
        var flood0 = Interlocked.Read(ref _floodRequests);
        var started = Stopwatch.GetTimestamp();
        using var progress = new CancellationTokenSource();
        var ticker = ProgressAsync(name, metrics, progress.Token);
        await OpenLoopAsync(metrics, cards, workstations, settings.PhaseSeconds, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var floodCount = Interlocked.Read(ref _floodRequests) - flood0;
        var web = webPid > 0 ? (ProcessSampler.CpuSeconds(webPid) ?? 0) - web0 : 0;
        var generator = (ProcessSampler.CpuSeconds(Environment.ProcessId) ?? 0) - generator0;
        await progress.CancelAsync();
        await ticker;
        await stopFlood.CancelAsync();
        await workers;

        var logins = metrics.LoginsCompleted;
        var phase = new FloodPhase(name, Math.Round(seconds, 1), logins,
            metrics.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            metrics.Total(Steps.Login).Summarise(), floodCount, Math.Round(floodCount / seconds, 0),
            _answers.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
            Math.Round(web, 2), Math.Round(web / seconds * 100, 1), logins > 0 ? Math.Round(web / logins * 1000, 2) : 0,
            Math.Round(generator / seconds * 100, 1), File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?");
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

    private async Task FloodAsync(string kind, HttpClient client, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string answer;
            try
            {
                using var content = new ByteArrayContent(FloodBody);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(AgentApiRoutes.CardInserted, content, cancellationToken);
                answer = $"{kind} {(int)response.StatusCode} {await Journey.CodeOfAsync(response, "flood", cancellationToken)}";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                answer = $"{kind} client.{(e is HttpRequestException h ? h.HttpRequestError.ToString() : e.GetType().Name)}";
            }

            _answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _floodRequests);
        }
    }

    private async Task ProgressAsync(string name, RunMetrics metrics, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        var floodBefore = Interlocked.Read(ref _floodRequests);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var interval = metrics.Rotate();
                var login = interval.Find(Steps.Login);
                var flood = Interlocked.Read(ref _floodRequests);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [{name}] logins {(login?.Count ?? 0) / 5.0,6:F0}/s p99 {(login?.Percentile(99) ?? 0) / 1000.0,7:F1} ms | flood {(flood - floodBefore) / 5.0,7:F0} req/s | errors {interval.ErrorCount}"));
                floodBefore = flood;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The flood's HTTP clients: one per kind, their connections split evenly, from the flood's own source address.</summary>
    private sealed class FloodClients : IDisposable
    {
        private readonly X509Certificate2 _untrusted;

        public FloodClients(FloodSettings settings, X509Certificate2 serverTrust)
        {
            _untrusted = SelfSignedWorkstation();
            var source = IPAddress.Parse(settings.FloodSource);
            var perKind = Math.Max(1, settings.FloodConcurrency / settings.FloodKinds.Count);
            Clients = [.. settings.FloodKinds.SelectMany(kind =>
            {
                var client = Create(settings.AgentApi, source, perKind, serverTrust, kind == FloodSettings.UntrustedCertificate ? _untrusted : null);
                return Enumerable.Range(0, perKind).Select(_ => (kind, client));
            }).Select(c => (c.kind, c.client))];
        }

        public IReadOnlyList<(string Kind, HttpClient Client)> Clients { get; }

        public void Dispose()
        {
            foreach (var client in Clients.Select(c => c.Client).Distinct())
            {
                client.Dispose();
            }

            _untrusted.Dispose();
        }

        /// <summary>A workstation certificate no configured CA issued (self-signed, clientAuth): Kestrel takes it, Ers refuses it.</summary>
        private static X509Certificate2 SelfSignedWorkstation()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=flood-untrusted", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateAuthority.ClientAuthOid)], critical: false));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }

        private static HttpClient Create(Uri agentApi, IPAddress source, int connections, X509Certificate2 serverTrust, X509Certificate2? certificate)
        {
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                MaxConnectionsPerServer = connections,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = certificate is null ? null : [certificate],
                    LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
                    CertificateChainPolicy = new X509ChainPolicy
                    {
                        TrustMode = X509ChainTrustMode.CustomRootTrust,
                        CustomTrustStore = { serverTrust },
                        RevocationMode = X509RevocationMode.NoCheck,
                    },
                },
            };
            return new HttpClient(handler) { BaseAddress = agentApi, Timeout = TimeSpan.FromSeconds(30) };
        }
    }
}
