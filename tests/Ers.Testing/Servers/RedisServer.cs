using Ers.Testing.Processes;

namespace Ers.Testing.Servers;

/// <summary>
/// A throwaway redis-server on 127.0.0.1 and a random port, with its data in a temp directory and the append-only
/// file on (as production must run it), so a stop and start keeps every grain's state.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
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
        var server = ProcessRunner.Which("redis-server", "redis-server");
        var cli = ProcessRunner.Which("redis-cli", "redis-server");
        var directory = System.IO.Directory.CreateTempSubdirectory("ers-redis-").FullName;
        var redis = new RedisServer(server, cli, directory, FreePort.Next());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts (again) on the same port and directory: the AOF brings the data back.</summary>
    public async Task StartAgainAsync()
    {
        await ProcessRunner.RunAsync(_server,
            "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--daemonize", "yes", "--dir", Directory, "--pidfile", Path.Combine(Directory, "redis.pid"),
            "--logfile", Path.Combine(Directory, "redis.log"), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--protected-mode", "yes");
        await Eventually.TrueAsync(PingAsync, $"redis-server on port {Port} to answer PING", TimeSpan.FromSeconds(15));
    }

    /// <summary>Stops the server the way an outage looks to clients: connections drop, the port closes.</summary>
    public async Task StopAsync()
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

    public async ValueTask DisposeAsync()
    {
        if (ProcessRunner.IsListening(Port))
        {
            await StopAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
