using Ers.Testing.Processes;
using Npgsql;

namespace Ers.Testing.Servers;

/// <summary>
/// A throwaway PostgreSQL 15 cluster (initdb + pg_ctl, run as the postgres user when the tests run as root) on
/// 127.0.0.1 and a random port, its data and socket in a temp directory.
/// </summary>
public sealed class PostgresServer : ThrowawayServer
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly PostgresServerOptions _options;

    private PostgresServer(string directory, int port, PostgresServerOptions options)
        : base(directory, port) => _options = options;

    /// <summary>The connection string through <paramref name="address"/> (127.0.0.1 or one of <see cref="PostgresServerOptions.ExtraListenAddresses"/>).</summary>
    public override string ConnectionStringFor(string address) => $"Host={address};Port={Port};Username=postgres;Database=postgres";

    public static Task<PostgresServer> StartAsync() => StartAsync(new PostgresServerOptions());

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options)
    {
        ProcessRunner.RequireFile(Path.Combine(BinDirectory, "initdb"), "postgresql");
        var directory = System.IO.Directory.CreateTempSubdirectory("ers-pg-").FullName;
        if (Environment.UserName == "root")
        {
            // PostgreSQL refuses to run as root: the directory must belong to the user that runs it.
            await ProcessRunner.RunAsync("chown", "postgres:postgres", directory);
        }

        var server = new PostgresServer(directory, FreePort.Next(), options);
        await server.AsPostgresAsync("initdb", "-D", server.DataDirectory, "--auth=trust", "--username=postgres", "--no-sync", "-E", "UTF8");
        if (options.TrustedNetworks.Count > 0)
        {
            await File.AppendAllLinesAsync(Path.Combine(server.DataDirectory, "pg_hba.conf"),
                options.TrustedNetworks.Select(network => $"host all all {network} trust"));
        }
        await server.StartAgainAsync();
        return server;
    }

    private string DataDirectory => Path.Combine(Directory, "data");

    public override async Task StartAgainAsync()
    {
        await AsPostgresAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "30",
            "-o", $"-p {Port} -k {Directory} -c listen_addresses={string.Join(',', _options.ExtraListenAddresses.Prepend("127.0.0.1"))} -c fsync={(_options.Fsync ? "on" : "off")}", "start");
    }

    /// <summary>A fast shutdown: sessions are cut, the port closes (what an outage looks like to Ers).</summary>
    public override async Task StopAsync()
    {
        await AsPostgresAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop");
    }

    /// <summary>The tests' own view of the database: unpooled, so a restart of the server leaves no dead connection behind.</summary>
    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString + ";Pooling=false");

    private Task AsPostgresAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, tool), .. args])
            : ProcessRunner.RunAsync(Path.Combine(BinDirectory, tool), args);
}
