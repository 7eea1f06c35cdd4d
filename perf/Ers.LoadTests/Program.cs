using System.Runtime.InteropServices;
using Ers.LoadTests;
using Ers.LoadTests.Bench;

// ers-load: the Ers load generator and its harness. See docs/performance/README.md and scripts/bench.sh.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
// A plain `kill` (SIGTERM) or a closed terminal stops the run the same way, so the harness still stops what it started.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var command = args.Length > 0 ? args[0] : "help";
var commandLine = "ers-load " + string.Join(' ', args);
try
{
    return command switch
    {
        "directory" => WriteDirectory(new Arguments(args.Skip(1))),
        "journeys" => await new JourneyRun(JourneySettings.From(new Arguments(args.Skip(1)), commandLine)).RunAsync(cancel.Token),
        "scale" => await new ScaleRun(ScaleSettings.From(new Arguments(args.Skip(1)), commandLine)).RunAsync(cancel.Token),
        "flood" => await WriteFloodAsync(FloodSettings.From(new Arguments(args.Skip(1)), commandLine), cancel.Token),
        "flood-source" => await new FloodSource(FloodSettings.From(new Arguments(args.Skip(1)), commandLine) with { Label = "flood-source" }).RunAsync(cancel.Token),
        "silo" => await MeasuredSilo.RunAsync(args.Skip(1).ToArray()),
        "bench" => await BenchCommand.RunAsync(args.Skip(1).ToList(), cancel.Token),
        _ => Help(),
    };
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Interrupted; everything this run started has been stopped.");
    return 130;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

static async Task<int> WriteFloodAsync(FloodSettings settings, CancellationToken cancellationToken)
{
    var result = await new FloodRun(settings).RunAsync(cancellationToken);
    var (json, markdown) = new FloodReport(settings.Label, DateTimeOffset.UtcNow, [result], null).Write(settings.OutputDirectory);
    Console.WriteLine($"Report: {markdown} and {json}");
    return 0;
}

static int WriteDirectory(Arguments a)
{
    var path = a.Required("out");
    var users = a.Int("users", 2000);
    a.ThrowIfUnknown();
    LoadDirectory.Write(path, users);
    Console.WriteLine($"Wrote {users} users to {path}");
    return 0;
}

static int Help()
{
    Console.WriteLine(BenchCommand.Usage);
    Console.WriteLine("ers-load directory --out FILE --users N     write the staff directory the load logs in with");
    Console.WriteLine(JourneySettings.Usage);
    Console.WriteLine(ScaleSettings.Usage);
    Console.WriteLine(FloodSettings.Usage);
    Console.WriteLine("ers-load silo [host settings]               an Ers silo (Ers.Cluster) that reports its own memory at /perf/memory");
    return 2;
}
