using System.Collections.Concurrent;
using System.Net;

namespace Ers.Testing.Servers;

/// <summary>
/// A plain HTTP listener on a loopback port that answers every request 404 and remembers its path: the place a hostile
/// certificate's URLs (Authority Information Access, CRL distribution points) point at, so a test can show nobody
/// fetched them. A request is recorded before it is answered, so once the fetching code has had its answer (or given
/// up) the request is in <see cref="Requests"/>.
/// </summary>
public sealed class CountingHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public CountingHttpServer()
    {
        BaseUri = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }

    /// <summary>The path of every request received, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A URL on this server no other test uses (so no cache of an earlier download can hide a fetch).</summary>
    public string NewUrl(string name) => new Uri(BaseUri, $"{Guid.NewGuid():N}/{name}").ToString();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests.Enqueue(context.Request.Url?.AbsolutePath ?? "?");
            context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        await _loop;
    }
}
