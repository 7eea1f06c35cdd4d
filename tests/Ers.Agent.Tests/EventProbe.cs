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

    public Task<ReaderEvent> WaitForAsync(ReaderEventKind kind, string reader = "") =>
        Eventually.MatchAsync(_events.Reader, item => item.Kind == kind && (reader.Length == 0 || item.Reader == reader),
            $"a {kind} event for '{reader}'", Timeout, Seen.Add,
            () => $"Seen: {string.Join(", ", Seen.Select(s => $"{s.Kind} {s.Reader}"))}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
