namespace Ers.Agent.PcSc;

/// <summary>What happened at a reader (or to the smartcard service as a whole).</summary>
public enum ReaderEventKind
{
    /// <summary>A card is in the reader (also reported for cards already present when watching starts).</summary>
    CardInserted,

    /// <summary>The card left the reader (or the service restarted, which ends every card session).</summary>
    CardRemoved,

    /// <summary>The smartcard service (pcscd) is not running or went away; the watcher keeps retrying.</summary>
    ServiceUnavailable,

    /// <summary>The service is reachable again after <see cref="ServiceUnavailable"/>.</summary>
    ServiceAvailable,

    /// <summary>The service runs but has no reader.</summary>
    NoReaders,
}

/// <param name="Reader">The reader's name; empty for service-wide events.</param>
/// <param name="Timestamp">Stopwatch ticks when the watcher saw the change (for latency measurements).</param>
public sealed record ReaderEvent(ReaderEventKind Kind, string Reader, byte[] Atr, long Timestamp);

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

/// <summary>An open card. One command at a time.</summary>
public interface ICardConnection : IAsyncDisposable
{
    string Reader { get; }

    /// <summary>
    /// Reset the card when disposing, so no state the agent built up (a verified PIN above all) outlives its use.
    /// Off by default: resetting a card that is being pulled makes the reader driver wait for it (vpcd stalls its
    /// reader for about 10 s), so the journey turns it on only while the card is still in the reader.
    /// </summary>
    bool ResetOnDispose { get; set; }

    /// <summary>
    /// Takes the card for this connection alone (SCardBeginTransaction): until <see cref="EndTransaction"/> or
    /// disposal no other connection, in this process or another, can send it a command. Held from VERIFY to the
    /// signature so nobody else can use the verified card in between. A second call while held does nothing.
    /// </summary>
    /// <exception cref="SmartCardException">The card was removed, the service went away, ...</exception>
    void BeginTransaction();

    /// <summary>Ends the transaction, if one is held; <paramref name="reset"/> resets the card as it ends.</summary>
    void EndTransaction(bool reset);

    /// <summary>Sends a command APDU and returns the response APDU (data + SW1 SW2).</summary>
    /// <exception cref="SmartCardException">The card was removed, the service went away, ...</exception>
    Task<byte[]> TransmitAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken);
}
