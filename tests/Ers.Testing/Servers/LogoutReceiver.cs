using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;

namespace Ers.Testing.Servers;

/// <summary>
/// An application's back-channel logout endpoint as a real HTTP listener on a loopback port: it answers every POST
/// with <see cref="Status"/> and hands each form's <c>logout_token</c> to the test as it arrives, before answering.
/// Started later (or never) to play an application that is down; <see cref="HoldNextAnswer"/> plays one whose answer
/// is late.
/// </summary>
public sealed class LogoutReceiver : IAsyncDisposable
{
    private readonly Channel<string> _tokens = Channel.CreateUnbounded<string>();
    private HttpListener? _listener;
    private Task? _loop;
    private readonly CancellationTokenSource _closing = new();
    private TaskCompletionSource? _hold;

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
            var answering = new List<Task>();
            while (_listener.IsListening)
            {
                try
                {
                    // Each request on its own: one whose answer is held does not stop the next from arriving.
                    answering.Add(AnswerAsync(await _listener.GetContextAsync()));
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    break;
                }
            }

            await Task.WhenAll(answering);
        });
    }

    /// <summary>
    /// The next POST's token is handed to the test at once, but the POST is answered only when the returned source
    /// completes: an application that has the token while the silo that sent it still waits for the answer.
    /// </summary>
    public TaskCompletionSource HoldNextAnswer()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _hold, hold);
        return hold;
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var form = System.Web.HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
            var hold = Interlocked.Exchange(ref _hold, null);
            if (form["logout_token"] is { } token && context.Request.HttpMethod == "POST")
            {
                Received.Enqueue(token);
                await _tokens.Writer.WriteAsync(token);
            }

            if (hold is not null)
            {
                await hold.Task.WaitAsync(_closing.Token);
            }

            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // The sender is gone (a silo killed while its POST was held): its answer has nowhere to go.
        }
    }

    /// <summary>The next logout token received, within <paramref name="timeout"/>.</summary>
    public async Task<string> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _tokens.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        if (_listener is not null)
        {
            _listener.Close();
            if (_loop is not null)
            {
                await _loop;
            }
        }

        _closing.Dispose();
    }
}
