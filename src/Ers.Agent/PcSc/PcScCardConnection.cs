using System.Text;

namespace Ers.Agent.PcSc;

/// <summary>A card opened in shared mode on a context of its own (never the watcher's).</summary>
internal sealed unsafe class PcScCardConnection : ICardConnection
{
    private readonly PcScContext _context;
    private readonly Lock _lock = new();
    private readonly nuint _protocol;
    private nint _card;
    private bool _inTransaction;

    private PcScCardConnection(string reader, PcScContext context, nint card, nuint protocol)
    {
        Reader = reader;
        _context = context;
        _card = card;
        _protocol = protocol;
    }

    public string Reader { get; }

    public bool ResetOnDispose { get; set; }

    public static PcScCardConnection Open(string reader)
    {
        var context = PcScContext.Establish();
        try
        {
            var name = Encoding.UTF8.GetBytes(reader + "\0");
            long rc;
            nint card;
            nuint protocol;
            fixed (byte* p = name)
            {
                rc = PcScNative.Connect(
                    context.Handle, p, PcScNative.ShareShared, PcScNative.ProtocolT0 | PcScNative.ProtocolT1,
                    out card, out protocol);
            }
            PcScContext.Check(rc, "SCardConnect");
            return new PcScCardConnection(reader, context, card, protocol);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void BeginTransaction()
    {
        lock (_lock)
        {
            if (_card == 0)
            {
                throw new ObjectDisposedException(nameof(PcScCardConnection));
            }
            if (_inTransaction)
            {
                return;
            }
            // pcsc-lite waits here while another handle holds the card's transaction.
            PcScContext.Check(PcScNative.BeginTransaction(_card), "SCardBeginTransaction");
            _inTransaction = true;
        }
    }

    public void EndTransaction(bool reset)
    {
        lock (_lock)
        {
            if (_card != 0 && _inTransaction)
            {
                _inTransaction = false;
                // Best effort: a card pulled meanwhile ends the transaction by itself.
                PcScNative.EndTransaction(_card, reset ? PcScNative.ResetCard : PcScNative.LeaveCard);
            }
        }
    }

    public Task<byte[]> TransmitAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A transmit to a local reader takes about 0.1 ms; it is done inline rather than paying a thread hop.
        return Task.FromResult(Transmit(command.Span));
    }

    private byte[] Transmit(ReadOnlySpan<byte> command)
    {
        lock (_lock)
        {
            if (_card == 0)
            {
                throw new ObjectDisposedException(nameof(PcScCardConnection));
            }
            var receive = new byte[65536 + 2];
            var pci = new PcScNative.IoRequest { Protocol = _protocol, PciLength = (nuint)sizeof(PcScNative.IoRequest) };
            nuint receiveLength = (nuint)receive.Length;
            long rc;
            fixed (byte* send = command)
            fixed (byte* recv = receive)
            {
                rc = PcScNative.Transmit(_card, &pci, send, (nuint)command.Length, null, recv, ref receiveLength);
            }
            PcScContext.Check(rc, "SCardTransmit");
            return receive.AsSpan(0, (int)Math.Min(receiveLength, (nuint)receive.Length)).ToArray();
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_card != 0)
            {
                var disposition = ResetOnDispose ? PcScNative.ResetCard : PcScNative.LeaveCard;
                if (_inTransaction)
                {
                    // Ending the transaction with the disposition resets the card once; the disconnect then
                    // leaves it, rather than power-cycling it a second time.
                    _inTransaction = false;
                    PcScNative.EndTransaction(_card, disposition);
                    disposition = PcScNative.LeaveCard;
                }
                PcScNative.Disconnect(_card, disposition);
                _card = 0;
            }
        }
        _context.Dispose();
        return ValueTask.CompletedTask;
    }
}
