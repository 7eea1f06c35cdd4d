using System.Threading.Channels;
using Ers.Agent.PcSc;

namespace Ers.Agent.Tests;

/// <summary>Runs a reader watcher in the background and lets a test wait for the event it expects.</summary>
internal sealed class EventProbe : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Channel<ReaderEvent> _events = Channel.CreateUnbounded<ReaderEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public EventProbe(ICardReaderService service)
    {
        _pump = Task.Run(async () =>
        {
            await foreach (var item in service.WatchAsync(_stop.Token))
            {
                _events.Writer.TryWrite(item);
            }
        });
    }

    public List<ReaderEvent> Seen { get; } = [];

    public async Task<ReaderEvent> WaitForAsync(ReaderEventKind kind, string reader = "")
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                var item = await _events.Reader.ReadAsync(timeout.Token);
                Seen.Add(item);
                if (item.Kind == kind && (reader.Length == 0 || item.Reader == reader))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {kind} event for '{reader}' within {Timeout}. Seen: {string.Join(", ", Seen.Select(s => $"{s.Kind} {s.Reader}"))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
