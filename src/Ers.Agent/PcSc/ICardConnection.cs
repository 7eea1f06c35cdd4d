namespace Ers.Agent.PcSc;

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
