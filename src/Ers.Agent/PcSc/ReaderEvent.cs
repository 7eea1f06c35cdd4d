namespace Ers.Agent.PcSc;

/// <summary>A change the reader watcher saw: a card inserted or removed, a reader gone, or the service lost.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Reader">The reader's name; empty for service-wide events.</param>
/// <param name="Atr">The card's answer-to-reset bytes; empty when no card is present.</param>
/// <param name="Timestamp">Stopwatch ticks when the watcher saw the change (for latency measurements).</param>
public sealed record ReaderEvent(ReaderEventKind Kind, string Reader, byte[] Atr, long Timestamp);
