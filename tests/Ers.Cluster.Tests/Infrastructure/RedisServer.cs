namespace Ers.Cluster.Tests.Infrastructure;

/// <summary>
/// A throwaway redis-server on 127.0.0.1 and a random port, with its data in a temp directory and the append-only
/// file on (as production must run it), so a stop and start keeps every grain's state.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _cli;

    private RedisServer(string server, string cli, string directory, int port)
    {
        _server = server;
        _cli = cli;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static async Task<RedisServer> StartAsync()
    {
        var server = Native.Which("redis-server", "redis-server");
        var cli = Native.Which("redis-cli", "redis-server");
        var directory = System.IO.Directory.CreateTempSubdirectory("ers-redis-").FullName;
        var redis = new RedisServer(server, cli, directory, Native.FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts (again) on the same port and directory: the AOF brings the data back.</summary>
    public async Task StartAgainAsync()
    {
        await Native.RunAsync(_server,
            "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--daemonize", "yes", "--dir", Directory, "--pidfile", Path.Combine(Directory, "redis.pid"),
            "--logfile", Path.Combine(Directory, "redis.log"), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--protected-mode", "yes");
        await Native.WaitForAsync(async () => await PingAsync(), TimeSpan.FromSeconds(15), $"redis-server on port {Port} to answer PING");
    }

    /// <summary>Stops the server the way an outage looks to clients: connections drop, the port closes.</summary>
    public async Task StopAsync()
    {
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, "redis.pid")), System.Globalization.CultureInfo.InvariantCulture);
        Native.Signal(pid, Native.SigTerm);
        await Native.WaitForAsync(() => !Native.IsListening(Port), TimeSpan.FromSeconds(15), $"redis-server on port {Port} to stop");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await Native.RunAsync(_cli, "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "ping")).Trim() == "PONG";
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Native.IsListening(Port))
        {
            await StopAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
