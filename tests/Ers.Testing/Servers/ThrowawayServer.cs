using Ers.Testing.Processes;

namespace Ers.Testing.Servers;

/// <summary>
/// What <see cref="RedisServer"/> and <see cref="PostgresServer"/> share: a throwaway server on 127.0.0.1 and a free
/// port, everything it keeps in a temp directory of its own, started again on the same port and directory after a
/// stop. Disposing stops it when it still listens and deletes the directory.
/// </summary>
/// <param name="directory">The server's own temp directory (data, logs, pidfile).</param>
/// <param name="port">The port it listens on, the same across <see cref="StartAgainAsync"/>.</param>
public abstract class ThrowawayServer(string directory, int port) : IAsyncDisposable
{
    public string Directory { get; } = directory;

    public int Port { get; } = port;

    public string ConnectionString => ConnectionStringFor("127.0.0.1");

    /// <summary>The connection string through <paramref name="address"/> (127.0.0.1 or one of the extra addresses it listens on).</summary>
    public abstract string ConnectionStringFor(string address);

    /// <summary>Starts (again) on the same port and directory, with the data it kept.</summary>
    public abstract Task StartAgainAsync();

    /// <summary>Stops the server the way an outage looks to clients: connections drop, the port closes.</summary>
    public abstract Task StopAsync();

    public async ValueTask DisposeAsync()
    {
        if (ProcessRunner.IsListening(Port))
        {
            await StopAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
