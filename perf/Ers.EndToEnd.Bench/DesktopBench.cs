using System.Diagnostics;
using System.Globalization;
using Ers.Testing.Desktop;
using Ers.Testing.EndToEnd;
using Ers.VirtualCard;

namespace Ers.EndToEnd;

/// <summary>
/// The desktop agent as a clinician sees it, timed on the real stack (issue 15): the built agent run as its user unit
/// runs it on a desktop session of its own (Xvfb, session D-Bus, dunst, pinentry-gtk-2, Chromium), a user of one role.
/// Per run: card into vpcd -> the passcode dialog mapped on the X display (xdotool search, every 5 ms), and Return
/// pressed in the dialog (xdotool) -> the "Logged in" confirmation received by dunst (its count, every 10 ms); the
/// agent's CPU time over the run from /proc. Then the card is pulled and the "Session ended" notification awaited.
/// </summary>
internal static class DesktopBench
{
    private const string AmeliaHart = "555294209105"; // one role: the confirmation follows the passcode

    public static async Task RunAsync(int runs)
    {
        var timeout = TimeSpan.FromSeconds(90);
        await using var stack = await EndToEndStack.StartAsync(Console.WriteLine, inProcessAgent: false);
        await stack.WaitForUserAsync(AmeliaHart);
        await using var desktop = await DesktopSession.StartAsync();
        await using var agent = await DesktopAgentProcess.StartAsync(stack, desktop);
        var dialog = new List<double>();
        var confirmation = new List<double>();
        var cpu = new List<double>();
        int? lastDialog = null;
        for (var i = 0; i <= runs; i++)
        {
            await using var link = new VpcdCardLink(stack.CardFor(AmeliaHart), reader: 0);
            var notified = await desktop.NotificationCountAsync();
            var cpuBefore = CpuMilliseconds(agent.Process.Pid);
            var inserted = Stopwatch.GetTimestamp();
            await link.InsertAsync();
            var window = await desktop.X.WaitForWindowAsync("Ers smartcard", notOfProcess: lastDialog, every: TimeSpan.FromMilliseconds(5));
            var shown = Stopwatch.GetElapsedTime(inserted).TotalMilliseconds;
            lastDialog = await desktop.X.WindowProcessAsync(window);
            await desktop.X.RunAsync("/usr/bin/xdotool", "type", "--delay", "20", EndToEndStack.Pin);
            await desktop.X.RunAsync("/usr/bin/xdotool", "key", "Return");
            var entered = Stopwatch.GetTimestamp();
            await desktop.WaitForNotificationsAsync(notified, timeout, "the confirmation");
            var confirmed = Stopwatch.GetElapsedTime(entered).TotalMilliseconds;
            var runCpu = CpuMilliseconds(agent.Process.Pid) - cpuBefore;
            var received = await desktop.CloseAndReadNotificationsAsync();
            if (!received.Any(n => n.Summary == "Logged in" && n.Body.StartsWith("Logged in as Dr Amelia Hart - ", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException("dunst got no confirmation for Dr Amelia Hart: " + string.Join(" | ", received));
            }

            notified = await desktop.NotificationCountAsync();
            await link.RemoveAsync();
            await desktop.WaitForNotificationsAsync(notified, timeout, "session ended");
            await desktop.CloseAndReadNotificationsAsync();
            // Each login opened a tab; one stays, so the browser does not quit with its last window.
            var browser = await agent.Chromium.ConnectAsync(timeout);
            foreach (var page in browser.Contexts.SelectMany(c => c.Pages).Skip(1).ToList())
            {
                await page.CloseAsync();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(i == 0 ? "warm-up" : $"run {i,2}")}: insertion -> passcode dialog visible {shown,6:F0} ms; Return -> confirmation received by dunst {confirmed,6:F0} ms; agent CPU {runCpu,4:F0} ms"));
            if (i > 0)
            {
                dialog.Add(shown);
                confirmation.Add(confirmed);
                cpu.Add(runCpu);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{runs} runs (ms)                         median      min      max");
        Row("insertion -> passcode dialog visible", dialog);
        Row("Return -> confirmation in dunst", confirmation);
        Row("agent CPU per login (user+system)", cpu);
    }

    private static void Row(string name, List<double> values)
    {
        var sorted = values.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-37}{median,8:F0} {sorted[0],8:F0} {sorted[^1],8:F0}"));
    }

    /// <summary>The process's user + system CPU time so far (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms).</summary>
    private static double CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }
}
