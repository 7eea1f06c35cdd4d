using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ers.Cards;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Browser.Bench;

    // Page-view session check throughput: the real Ers.Web host (co-hosted silo, in-memory server), N live sessions
    // made through the card grains, then W concurrent loops each checking a random session per iteration for D seconds:
    //   view  = SessionView.GetAsync (what every page view does; includes its re-checks every SessionViewMaxAge)
    //   grain = ISessionGrain.GetAsync (what a page view would cost without the view)
public static class SessionCheckBench
{
    public static async Task Main(string[] args)
    {
        var sessions = Arg(0, 2000);
        var seconds = Arg(1, 10);
        var workers = Arg(2, Environment.ProcessorCount * 2);
        var root = FindRepoRoot();
        var data = Directory.CreateTempSubdirectory("ers-bench-").FullName;

        // A console program has no test manifest naming the web project's folder: name it the documented way.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ERS_WEB", Path.Combine(root, "src", "Ers.Web"));
        await using var factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Ers:Cluster:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Ers:Cluster:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Ers:Directory:SeedFile", Path.Combine(root, "samples", "directory.json"));
            web.UseSetting("Ers:Audit:FilePath", Path.Combine(data, "audit.jsonl"));
            web.UseSetting("Ers:Sessions:HeartbeatTimeout", "01:00:00");
            web.UseSetting("Ers:Sessions:MaxSessionsPerUser", "1000000");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _ = factory.Server;
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var view = factory.Services.GetRequiredService<SessionView>();

        Console.WriteLine($"Creating {sessions} sessions...");
        var ids = new string[sessions];
        var users = new[] { "555294209105", "555294209107", "555294209110", "555294209111" };
        await Parallel.ForAsync(0, sessions, async (i, _) =>
        {
            var card = grains.GetGrain<ICardGrain>("bench-card-" + i);
            var workstation = "bench-ws-" + i;
            await card.InsertedAsync(workstation);
            ids[i] = Guid.NewGuid().ToString("N");
            var started = await card.StartSessionAsync(workstation, users[i % users.Length], ids[i]);
            if (!started.IsSuccess)
            {
                throw new InvalidOperationException(started.Refusal!.Message);
            }
        });

        foreach (var (name, check) in new (string, Func<string, ValueTask<bool>>)[]
        {
            ("grain call per view", async id => (await grains.GetGrain<Ers.Sessions.ISessionGrain>(id).GetAsync())!.IsLive),
            ("node-local view", async id => (await view.GetAsync(id))!.IsLive),
            ("grain call per view", async id => (await grains.GetGrain<Ers.Sessions.ISessionGrain>(id).GetAsync())!.IsLive),
            ("node-local view", async id => (await view.GetAsync(id))!.IsLive),
        })
        {
            var (rate, p50, p99, p999) = await MeasureAsync(check, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{name,-22} {rate,12:N0} checks/s   p50 {p50,8:N1} us   p99 {p99,8:N1} us   p99.9 {p999,9:N1} us   mean {workers * 1e6 / rate,7:N1} us   ({workers} loops, {sessions} sessions, {seconds} s)");
        }

        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }

        async Task<(double Rate, double P50, double P99, double P999)> MeasureAsync(Func<string, ValueTask<bool>> check, TimeSpan duration)
        {
            // Warm-up: every session once, so both variants start from activated grains and filled entries.
            foreach (var id in ids)
            {
                await check(id);
            }

            var stop = Stopwatch.StartNew();
            var samples = new List<double>[workers];
            var counts = new long[workers];
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                var mine = samples[w] = new List<double>(1 << 20);
                var tick = Stopwatch.GetTimestamp();
                while (stop.Elapsed < duration)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (!await check(ids[random.Next(ids.Length)]))
                    {
                        throw new InvalidOperationException("A live session was reported ended.");
                    }

                    counts[w]++;
                    // Every 16th latency is kept: enough for percentiles without measuring the list.
                    if ((counts[w] & 15) == 0)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }
            })));
            var all = samples.SelectMany(s => s).Order().ToArray();
            return (counts.Sum() / stop.Elapsed.TotalSeconds, all[all.Length / 2], all[(int)(all.Length * 0.99)], all[(int)(all.Length * 0.999)]);
        }

        int Arg(int index, int fallback) => args.Length > index && int.TryParse(args[index], out var value) ? value : fallback;

        static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Ers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Ers.sln not found above the program's folder.");
        }
    }
}
