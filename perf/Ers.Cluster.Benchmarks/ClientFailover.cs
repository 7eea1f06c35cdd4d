using System.Diagnostics;
using System.Globalization;
using Ers.Sessions;
using Ers.Testing.Silos;
using Ers.Web.Requests;

namespace Ers.Cluster.Benchmarks;

/// <summary>
/// Failover as a person sees it (issue 14): a client built as Ers.Web builds it (its retry filter, its per-attempt
/// timeout) makes page-view-like requests, each inside one request budget as a web node gives each HTTP request
/// (src/Ers.Web/Requests/RequestBudget.cs), on sessions that live on the silo that is then SIGKILLed. A request
/// answered 503 is asked again at once, as the "try again" page invites. Reported per session: the time from the kill
/// to the answer of its first request sent after the kill, and the time of every request in flight at or after the kill
/// (none may pass the 3 s answer promise).
/// </summary>
internal static class ClientFailover
{
    // The web node's own figures: its default per-request budget and the answer promise that bounds it.
    private static readonly TimeSpan Budget = new RequestBudgetOptions().GrainCalls;
    private static readonly TimeSpan Promise = RequestBudgetOptions.AnswerPromise;
    private const int SessionsPerRound = 60;
    private const int Viewers = 8;

    public static async Task RunAsync(int rounds)
    {
        await using var cluster = await ErsCluster.StartAsync(silos: 3);
        var client = await cluster.ConnectClientAsync(retryWindow: null);
        var management = client.GetGrain<IManagementGrain>(0);
        var recoveries = new List<double>();
        var requests = new List<double>();
        var unavailable = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var sessions = new List<(string SessionId, int Port)>();
            for (var i = 0; i < SessionsPerRound; i++)
            {
                var login = await LoginDriver.SetUpLoginAsync(client, clock, i % 8);
                if (login.Succeeded)
                {
                    var address = await management.GetActivationAddress(client.GetGrain<ISessionGrain>(login.SessionId));
                    sessions.Add((login.SessionId, address?.Endpoint.Port ?? 0));
                }
            }

            var victim = cluster.Silos.MaxBy(s => sessions.Count(x => x.Port == s.SiloPort))!;
            var onVictim = sessions.Where(s => s.Port == victim.SiloPort).Select(s => s.SessionId).ToList();

            using var stop = new CancellationTokenSource();
            var firstAnswer = new Dictionary<string, TimeSpan>();
            var killedAt = TimeSpan.MaxValue;
            var times = new List<(TimeSpan At, TimeSpan Took, bool Answered)>();
            var viewers = Enumerable.Range(0, Viewers).Select(v => Task.Run(async () =>
            {
                for (var n = v; !stop.IsCancellationRequested; n += Viewers)
                {
                    var sessionId = onVictim[n % onVictim.Count];
                    var started = clock.Elapsed;
                    var answered = await ViewAsync(client, sessionId);
                    var ended = clock.Elapsed;
                    lock (times)
                    {
                        times.Add((started, ended - started, answered));
                        if (answered && started > killedAt && !firstAnswer.ContainsKey(sessionId))
                        {
                            firstAnswer[sessionId] = ended - killedAt;
                        }
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(1));
            lock (times)
            {
                killedAt = clock.Elapsed;
            }

            await victim.KillAsync();
            cluster.Forget(victim);
            // Until every session of the killed silo has answered again, or 30 s.
            while (clock.Elapsed - killedAt < TimeSpan.FromSeconds(30))
            {
                lock (times)
                {
                    if (firstAnswer.Count == onVictim.Count)
                    {
                        break;
                    }
                }

                await Task.Delay(100);
            }

            await stop.CancelAsync();
            await Task.WhenAll(viewers);
            // Requests in flight at the kill count too: their person waited through it.
            var after = times.Where(t => t.At + t.Took >= killedAt).ToList();
            var slowest = after.Count == 0 ? 0 : after.Max(t => t.Took.TotalSeconds);
            var failed = after.Count(t => !t.Answered);
            unavailable += failed;
            requests.AddRange(after.Select(t => t.Took.TotalSeconds));
            var perSession = firstAnswer.Values.Select(t => t.TotalSeconds).Order().ToList();
            recoveries.AddRange(perSession);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"client failover round {round}: killed {victim.Name} with {onVictim.Count} sessions; {firstAnswer.Count} answered again, " +
                $"first answer after the kill p50 {Median(perSession):0.00} s, max {(perSession.Count == 0 ? double.NaN : perSession[^1]):0.00} s; " +
                $"{after.Count} requests in flight at or after the kill, {failed} answered 503, slowest {slowest:0.00} s"));
            await cluster.AddSiloAsync();
        }

        recoveries.Sort();
        requests.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"client-visible failover after SIGKILL ({rounds} rounds, {recoveries.Count} sessions): first answer p50 {Median(recoveries):0.00} s, max {recoveries[^1]:0.00} s; " +
            $"requests p50 {Median(requests):0.00} s, max {requests[^1]:0.00} s ({requests.Count(r => r > Promise.TotalSeconds)} over {Promise.TotalSeconds:0} s), {unavailable} answered 503"));
    }

    // One page view's grain work: its own budget, as RequestBudget gives each request, so the retry filter bounds it.
    private static Task<bool> ViewAsync(IClusterClient client, string sessionId) => Task.Run(async () =>
    {
        GrainCallBudget.Start(TimeProvider.System, Budget);
        try
        {
            return (await client.GetGrain<ISessionGrain>(sessionId).GetAsync()) is not null;
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            return false;
        }
    });

    private static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
}
