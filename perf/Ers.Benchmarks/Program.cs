using BenchmarkDotNet.Running;
using Ers.Benchmarks;

// `micro`: BenchmarkDotNet over the crypto steps; `login [N]`: latency of N full logins over TLS; no argument: both.
// `logout [N]`: card pull to back-channel logout received at an application, over N sessions (not in `all`).
// `tokens [N] [RUNS]`: token requests per CPU-second (code exchange, refresh), RUNS runs of N each (not in `all`).
var mode = args.FirstOrDefault() ?? "all";
if (mode is "micro" or "all")
{
    BenchmarkRunner.Run<CardAuthenticationBenchmarks>(args: args.Skip(1).ToArray());
}

if (mode is "login" or "all")
{
    var logins = mode == "login" && args.Length > 1 && int.TryParse(args[1], out var n) ? n : 1000;
    await LoginLatency.RunAsync(logins);
}

if (mode is "logout")
{
    await LogoutLatency.RunAsync(args.Length > 1 && int.TryParse(args[1], out var sessions) ? sessions : 50);
}

if (mode is "tokens")
{
    await TokenThroughput.RunAsync(
        args.Length > 1 && int.TryParse(args[1], out var requests) ? requests : 500,
        args.Length > 2 && int.TryParse(args[2], out var runs) ? runs : 3);
}
