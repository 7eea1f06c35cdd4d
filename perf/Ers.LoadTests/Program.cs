using Ers.LoadTests;

// ers-load: the Ers load generator. See docs/performance/README.md and scripts/bench.sh.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var command = args.Length > 0 ? args[0] : "help";
var commandLine = "ers-load " + string.Join(' ', args);
try
{
    return command switch
    {
        "directory" => WriteDirectory(new Arguments(args.Skip(1))),
        "journeys" => await new JourneyRun(JourneySettings.From(new Arguments(args.Skip(1)), commandLine)).RunAsync(cancel.Token),
        "scale" => await new ScaleRun(ScaleSettings.From(new Arguments(args.Skip(1)), commandLine)).RunAsync(cancel.Token),
        "silo" => await MeasuredSilo.RunAsync(args.Skip(1).ToArray()),
        _ => Help(),
    };
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
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
    Console.WriteLine("ers-load directory --out FILE --users N     write the staff directory the load logs in with");
    Console.WriteLine(JourneySettings.Usage);
    Console.WriteLine(ScaleSettings.Usage);
    Console.WriteLine("ers-load silo [host settings]               an Ers silo (Ers.Cluster) that reports its own memory at /perf/memory");
    return 2;
}
