using System.Diagnostics;
using System.Net;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Hosts;
using Ers.Testing.Silos;
using Ers.Web.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Browser.Bench;

/// <summary>
/// Page-view session check throughput, node-local view against a grain call per view. Not a test: it prints numbers.
/// <list type="bullet">
/// <item><c>loop [sessions] [seconds] [loops]</c>: the real Ers.Web host (co-hosted silo, in-memory server), N live
/// sessions made through the card grains, then concurrent loops each checking a random session per iteration:
/// <c>SessionView.GetAsync</c> (what a page view does, with its 1 s re-checks) against <c>ISessionGrain.GetAsync</c>.</item>
/// <item><c>http [sessions] [seconds]</c>: the real host on Kestrel (plain HTTP on 127.0.0.1, for wrk), N sessions
/// logged in through <c>/login</c>, then <c>wrk -t2 -c64</c> on <c>GET /</c> with a random session's cookie per
/// request (cookie authentication, session check, redirect to the homepage). Run twice: with the view as
/// configured (1 s bound) and with <c>SessionViewMaxAge</c> = 100 ns, which makes every request ask the grain.</item>
/// </list>
/// </summary>
public static class SessionCheckBench
{
    private static readonly string[] Users = ["555294209105", "555294209107", "555294209110", "555294209111"];

    public static async Task Main(string[] args)
    {
        var mode = args.FirstOrDefault() ?? "loop";
        var sessions = Arg(args, 1, 2000);
        var seconds = Arg(args, 2, 10);
        if (mode == "http")
        {
            foreach (var (name, maxAge) in new[] { ("grain call per view", "00:00:00.0000001"), ("node-local view", "00:00:01") })
            {
                await HttpAsync(name, maxAge, sessions, seconds);
            }

            return;
        }

        var loops = Arg(args, 3, Environment.ProcessorCount * 2);
        await using var host = Host(maxAge: null, out var data);
        _ = host.Server;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var view = host.Services.GetRequiredService<SessionView>();
        var ids = await StartSessionsAsync(grains, sessions);
        foreach (var (name, check) in new (string, Func<string, ValueTask<bool>>)[]
        {
            ("grain call per view", async id => (await grains.GetGrain<ISessionGrain>(id).GetAsync())!.IsLive),
            ("node-local view", async id => (await view.GetAsync(id))!.IsLive),
            ("grain call per view", async id => (await grains.GetGrain<ISessionGrain>(id).GetAsync())!.IsLive),
            ("node-local view", async id => (await view.GetAsync(id))!.IsLive),
        })
        {
            var (rate, p50, p99, p999) = await MeasureAsync(ids, check, loops, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{name,-20} {rate,10:N0} checks/s  p50 {p50,6:N1} us  p99 {p99,6:N1} us  p99.9 {p999,9:N1} us  " +
                $"mean {loops * 1e6 / rate,6:N1} us  ({loops} loops, {sessions} sessions, {seconds} s)");
        }

    }

    private static async Task HttpAsync(string name, string maxAge, int sessions, int seconds)
    {
        await using var host = Host(maxAge, out var data);
        host.StartKestrel();
        var address = host.AddressOf("http").ToString().TrimEnd('/');
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var tokens = host.Services.GetRequiredService<Ers.Web.Security.BrowserTicketTokens>();
        var ids = await StartSessionsAsync(grains, sessions);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) };
        var cookies = new List<string>();
        foreach (var id in ids)
        {
            var ticket = (await grains.GetGrain<ISessionGrain>(id).IssueBrowserTicketAsync()).Value!;
            // As a browser does: GET the login page (anti-forgery cookie and token), POST its form to redeem the ticket.
            var path = "/login?ticket=" + Uri.EscapeDataString(tokens.Protect(id, ticket.TicketId, ticket.ExpiresAt));
            using var page = await http.GetAsync(path);
            var antiforgery = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => c.StartsWith("__Host-ers-af=", StringComparison.Ordinal));
            var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(),
                "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            using var post = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new FormUrlEncodedContent([new("__RequestVerificationToken", System.Net.WebUtility.HtmlDecode(token))]),
            };
            post.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", antiforgery));
            using var login = await http.SendAsync(post);
            cookies.Add(login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(BrowserSession.CookieName, StringComparison.Ordinal)).Split(';')[0]);
        }

        var cookieFile = Path.Combine(data, "cookies.txt");
        await File.WriteAllLinesAsync(cookieFile, cookies);
        var script = Path.Combine(data, "cookies.lua");
        await File.WriteAllTextAsync(script, $$"""
            local cookies = {}
            for line in io.lines("{{cookieFile}}") do cookies[#cookies + 1] = line end
            request = function()
              return wrk.format("GET", "/", { ["Cookie"] = cookies[math.random(#cookies)] })
            end
            """);
        using (var check = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Cookie", cookies[0] } } }))
        {
            if (check.StatusCode != HttpStatusCode.Redirect || check.Headers.Location?.ToString() != "/home")
            {
                throw new InvalidOperationException($"GET / with a live cookie answered {(int)check.StatusCode} {check.Headers.Location}");
            }
        }

        var wrk = Process.Start(new ProcessStartInfo("wrk", ["-t2", "-c64", $"-d{seconds}s", "--latency", "-s", script, address + "/"])
        {
            RedirectStandardOutput = true,
        })!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        Console.WriteLine($"== {name} (SessionViewMaxAge {maxAge}), {sessions} sessions, GET / with a random live cookie -> 302 /home");
        Console.WriteLine(string.Join(Environment.NewLine, output.Split('\n').Where(l =>
            l.Contains("Requests/sec", StringComparison.Ordinal) || l.Contains("Latency", StringComparison.Ordinal) ||
            l.Contains("50%", StringComparison.Ordinal) || l.Contains("99%", StringComparison.Ordinal) ||
            l.Contains("requests in", StringComparison.Ordinal) || l.Contains("Non-2xx", StringComparison.Ordinal))));
    }

    /// <summary>The shared test host, in production mode, with the agents' API off and a session limit no run reaches.</summary>
    private static ErsWebFactory Host(string? maxAge, out string data)
    {
        var factory = new ErsWebFactory("ers-bench")
        {
            HostEnvironment = "Production",
            Configure = settings =>
            {
                settings.WithoutAgentApi()
                    .Set("Ers:Sessions:MaxSessionsPerUser", "1000000")
                    .Set("Logging:LogLevel:Default", "Warning");
                if (maxAge is not null)
                {
                    settings.Set("Ers:Web:Browser:SessionViewMaxAge", maxAge);
                }
            },
        };
        data = factory.DataDirectory;
        return factory;
    }

    private static async Task<string[]> StartSessionsAsync(IGrainFactory grains, int count)
    {
        Console.WriteLine($"Creating {count} sessions...");
        var ids = new string[count];
        await Parallel.ForAsync(0, count, async (i, _) =>
        {
            var card = grains.GetGrain<ICardGrain>("bench-card-" + Guid.NewGuid().ToString("N"));
            var workstation = "bench-ws-" + i;
            var started = await card.LogInAsync(workstation, Users[i % Users.Length]);
            if (!started.IsSuccess)
            {
                throw new InvalidOperationException(started.Refusal!.Message);
            }

            ids[i] = started.Value!.SessionId;
        });
        return ids;
    }

    private static async Task<(double Rate, double P50, double P99, double P999)> MeasureAsync(
        string[] ids, Func<string, ValueTask<bool>> check, int loops, TimeSpan duration)
    {
        // Warm-up: every session once, so both variants start from activated grains and filled entries.
        foreach (var id in ids)
        {
            await check(id);
        }

        var stop = Stopwatch.StartNew();
        var samples = new List<double>[loops];
        var counts = new long[loops];
        await Task.WhenAll(Enumerable.Range(0, loops).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = samples[w] = new List<double>(1 << 20);
            while (stop.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await check(ids[random.Next(ids.Length)]))
                {
                    throw new InvalidOperationException("A live session was reported ended.");
                }

                // Every 16th latency is kept: enough for percentiles without measuring the list.
                if ((++counts[w] & 15) == 0)
                {
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }
        })));
        var all = samples.SelectMany(s => s).Order().ToArray();
        return (counts.Sum() / stop.Elapsed.TotalSeconds, all[all.Length / 2], all[(int)(all.Length * 0.99)], all[(int)(all.Length * 0.999)]);
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], out var value) ? value : fallback;
}
