using Ers.Testing.Processes;

namespace Ers.Testing.Servers;

/// <summary>
/// A throwaway redis-server on 127.0.0.1 and a random port, with its data in a temp directory and the append-only
/// file on (as production must run it), so a stop and start keeps every grain's state.
/// </summary>
public sealed class RedisServer : ThrowawayServer
{
    private readonly string _server;
    private readonly string _cli;
    private readonly RedisServerOptions _options;

    private RedisServer(string server, string cli, string directory, int port, RedisServerOptions options)
        : base(directory, port)
    {
        _server = server;
        _cli = cli;
        _options = options;
    }

    /// <summary>The process id of the running server (from its pidfile).</summary>
    public int Pid => int.Parse(File.ReadAllText(Path.Combine(Directory, "redis.pid")), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The connection string through <paramref name="address"/>, one of <see cref="RedisServerOptions.BindAddresses"/>.</summary>
    public override string ConnectionStringFor(string address) => $"{address}:{Port},abortConnect=false";

    public static Task<RedisServer> StartAsync() => StartAsync(new RedisServerOptions());

    public static async Task<RedisServer> StartAsync(RedisServerOptions options)
    {
        var server = ProcessRunner.Which("redis-server", "redis-server");
        var cli = ProcessRunner.Which("redis-cli", "redis-server");
        var directory = System.IO.Directory.CreateTempSubdirectory("ers-redis-").FullName;
        var redis = new RedisServer(server, cli, directory, FreePort.Next(), options);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts (again) on the same port and directory: the AOF, when on, brings the data back.</summary>
    public override async Task StartAgainAsync()
    {
        var addresses = _options.BindAddresses.Prepend("127.0.0.1").Distinct(StringComparer.Ordinal).ToList();
        await ProcessRunner.RunAsync(_server,
            "--bind", string.Join(' ', addresses), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--daemonize", "yes", "--dir", Directory, "--pidfile", Path.Combine(Directory, "redis.pid"),
            "--logfile", Path.Combine(Directory, "redis.log"), "--appendonly", _options.AppendOnly ? "yes" : "no",
            "--appendfsync", _options.AppendFsync, "--save", "",
            // Protected mode refuses clients from any address but loopback when no password is set: a throwaway
            // server bound to a namespace's link must let that namespace in.
            "--protected-mode", addresses.Count > 1 ? "no" : "yes");
        await Eventually.TrueAsync(PingAsync, $"redis-server on port {Port} to answer PING", TimeSpan.FromSeconds(15));
    }

    /// <summary>The server's <c>INFO</c> text of <paramref name="section"/> (e.g. <c>memory</c>, <c>keyspace</c>).</summary>
    public async Task<string> InfoAsync(string section) =>
        (await ProcessRunner.RunAsync(_cli, "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "info", section))
            .Replace("\r", "", StringComparison.Ordinal);

    public override async Task StopAsync()
    {
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, "redis.pid")), System.Globalization.CultureInfo.InvariantCulture);
        ProcessRunner.Signal(pid, ProcessRunner.SigTerm);
        await Eventually.TrueAsync(() => !ProcessRunner.IsListening(Port), $"redis-server on port {Port} to stop", TimeSpan.FromSeconds(15));
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await ProcessRunner.RunAsync(_cli, "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "ping")).Trim() == "PONG";
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
