namespace Ers.Agent.PcSc;

/// <summary>The platform part of card access: watch readers, open a card.</summary>
public interface ICardReaderService
{
    /// <summary>
    /// Reader events until <paramref name="cancellationToken"/> fires. Survives the smartcard service restarting:
    /// the watcher reports <see cref="ReaderEventKind.ServiceUnavailable"/> and reconnects with backoff by itself.
    /// </summary>
    IAsyncEnumerable<ReaderEvent> WatchAsync(CancellationToken cancellationToken);

    /// <summary>The readers the service knows now.</summary>
    IReadOnlyList<string> ListReaders();

    /// <summary>Whether the service sees a card in <paramref name="reader"/> right now.</summary>
    bool IsCardPresent(string reader);

    /// <summary>Opens the card in <paramref name="reader"/>; throws <see cref="SmartCardException"/>.</summary>
    Task<ICardConnection> ConnectAsync(string reader, CancellationToken cancellationToken);
}
