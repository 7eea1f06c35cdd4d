using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;

namespace Ers.Testing.Servers;

/// <summary>
/// An application's back-channel logout endpoint as a real HTTP listener on a loopback port: it answers every POST
/// with <see cref="Status"/> and hands each form's <c>logout_token</c> to the test. Started later (or never) to play an
/// application that is down.
/// </summary>
public sealed class LogoutReceiver : IAsyncDisposable
{
    private readonly Channel<string> _tokens = Channel.CreateUnbounded<string>();
    private HttpListener? _listener;
    private Task? _loop;

    public LogoutReceiver() => Uri = $"http://127.0.0.1:{FreePort.Next()}/backchannel-logout/";

    public string Uri { get; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public ConcurrentQueue<string> Received { get; } = new();

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add(Uri);
        _listener.Start();
        _loop = Task.Run(async () =>
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

                using var reader = new StreamReader(context.Request.InputStream);
                var form = System.Web.HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
                context.Response.StatusCode = (int)Status;
                context.Response.Close();
                if (form["logout_token"] is { } token && context.Request.HttpMethod == "POST")
                {
                    Received.Enqueue(token);
                    await _tokens.Writer.WriteAsync(token);
                }
            }
        });
    }

    /// <summary>The next logout token received, within <paramref name="timeout"/>.</summary>
    public async Task<string> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _tokens.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            _listener.Close();
            if (_loop is not null)
            {
                await _loop;
            }
        }
    }
}
