using System.Globalization;
using Ers.EndToEnd;
using Ers.Testing.EndToEnd;
using Ers.Testing.Servers;

// Card insertion (the vpcd connect) to the homepage header rendered in Chromium, on the real stack, N runs after
// one warm-up. The user's typing is left out: the passcode is ready before the card goes in, and the time the
// agent's prompts waited is subtracted. Usage: [runs] (default 10).
// --desktop [runs]: the desktop agent as its user unit runs it instead (DesktopBench): insertion to the passcode
// dialog visible, and the passcode entered to the confirmation received by the notification daemon.
// A class, not top-level statements: a generated Program would clash with Ers.Web's.
internal static class Bench
{
    public static async Task Main(string[] args)
    {
        var desktop = args.Length > 0 && args[0] == "--desktop";
        args = desktop ? args[1..] : args;
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        const string AmeliaHart = "555294209105";

        var pcscd = new PcscdFixture();
        await pcscd.InitializeAsync();
        try
        {
            if (desktop)
            {
                await DesktopBench.RunAsync(runs);
                return;
            }

            await using var stack = await EndToEndStack.StartAsync(Console.WriteLine);
            var timings = new List<LoginTiming>();
            for (var i = 0; i <= runs; i++)
            {
                var page = await stack.NewPageAsync();
                await using (var login = await stack.InsertAndLogInAsync(AmeliaHart, page, EndToEndStack.Pin))
                {
                    if (i > 0)
                    {
                        timings.Add(login.Timing);
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(i == 0 ? "warm-up" : $"run {i,2}")}: total {login.Timing.Total,6:F0} ms = pc/sc event {login.Timing.PcscEvent,4:F0} + card apdus {login.Timing.CardApdus,4:F0} + server {login.Timing.ServerCalls,4:F0} ({string.Join(", ", login.Timing.ServerCallsByName.Select(c => $"{c.Key} {c.Value:F0}"))}) + browser {login.Timing.BrowserToHomepage,4:F0}; prompts waited {login.Timing.UserPrompts:F0} (excluded)"));
                }

                await page.Context.CloseAsync();
            }

            Console.WriteLine();
            Console.WriteLine($"{runs} runs (ms)          median      p95      max");
            Row("total (insert->homepage)", timings.Select(t => t.Total));
            Row("pc/sc event", timings.Select(t => t.PcscEvent));
            Row("card apdus", timings.Select(t => t.CardApdus));
            Row("server calls", timings.Select(t => t.ServerCalls));
            foreach (var name in new[] { "inserted", "authenticate", "role", "ticket" })
            {
                if (timings.Any(t => t.ServerCallsByName.ContainsKey(name)))
                {
                    Row("  " + name, timings.Select(t => t.ServerCallsByName.GetValueOrDefault(name)));
                }
            }

            Row("browser to homepage", timings.Select(t => t.BrowserToHomepage));
            var median = Percentile(timings.Select(t => t.Total), 50);
            Console.WriteLine(median <= 1500 ? $"Goal met: median {median:F0} ms <= 1500 ms." : $"Goal missed: median {median:F0} ms > 1500 ms.");
        }
        finally
        {
            await pcscd.DisposeAsync();
        }
    }

    private static void Row(string name, IEnumerable<double> values)
    {
        var list = values.ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-26}{Percentile(list, 50),8:F0} {Percentile(list, 95),8:F0} {list.Max(),8:F0}"));
    }

    // Nearest-rank percentile: with 10 runs, p95 is the slowest run.
    private static double Percentile(IEnumerable<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
