using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ers.VirtualCard;

/// <summary>
/// Puts a <see cref="VirtualPivCard"/> into a vpcd virtual reader: "insert" connects to the driver's TCP port,
/// "remove" closes the socket. vpcd frames every message with a 2-byte big-endian length.
/// </summary>
public sealed class VpcdCardLink : IAsyncDisposable
{
    /// <summary>vpcd's first reader ("Virtual PCD 00 00") listens here; reader n listens on this + n.</summary>
    public const int BasePort = 35963;

    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] One = BitConverter.GetBytes(1);

    private readonly VirtualPivCard _card;
    private readonly int _port;
    private Socket? _socket;
    private Task? _loop;

    public VpcdCardLink(VirtualPivCard card, int reader = 0)
    {
        _card = card;
        _port = BasePort + reader;
        ReaderName = $"Virtual PCD 00 {reader:D2}";
    }

    /// <summary>The PC/SC name of the reader this link plugs into.</summary>
    public string ReaderName { get; }

    public VirtualPivCard Card => _card;

    public bool IsInserted => _loop is { IsCompleted: false };

    /// <summary>Completes when the link ends (the card was removed or pcscd went away).</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Logs what happens on the link (power, APDU count); never APDU contents, which may hold a PIN.</summary>
    public Action<string>? Log { get; init; }

    public async Task InsertAsync(CancellationToken cancellationToken = default)
    {
        if (IsInserted)
        {
            throw new InvalidOperationException("The card is already inserted.");
        }
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _card.Reset();
        _socket = socket;
        _loop = Task.Run(() => ServeAsync(socket));
    }

    public async Task RemoveAsync()
    {
        var socket = _socket;
        _socket = null;
        if (socket is null)
        {
            return;
        }
        socket.Shutdown(SocketShutdown.Both);
        socket.Dispose();
        if (_loop is { } loop)
        {
            await loop;
        }
        _card.Reset();
    }

    private async Task ServeAsync(Socket socket)
    {
        var header = new byte[2];
        var buffer = new byte[65538];
        try
        {
            while (true)
            {
                if (!await ReadExactlyAsync(socket, header))
                {
                    return;
                }
                var length = BinaryPrimitives.ReadUInt16BigEndian(header);
                if (!await ReadExactlyAsync(socket, buffer.AsMemory(0, length)))
                {
                    return;
                }
                if (length == 1)
                {
                    switch (buffer[0])
                    {
                        case 0x00:
                        case 0x01:
                        case 0x02:
                            // Power off, power on, reset: a real card loses its volatile state on each.
                            _card.Reset();
                            Log?.Invoke(buffer[0] switch { 0 => "power off", 1 => "power on", _ => "reset" });
                            break;
                        case 0x04:
                            await SendAsync(socket, VirtualPivCard.Atr);
                            break;
                    }
                    continue;
                }
                var response = _card.Process(buffer.AsSpan(0, length));
                await SendAsync(socket, response);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Removed (our socket closed) or pcscd went away: either way the card is out of the reader.
        }
        finally
        {
            Log?.Invoke("link closed");
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> target)
    {
        var read = 0;
        while (read < target.Length)
        {
            var n = await socket.ReceiveAsync(target[read..], SocketFlags.None);
            QuickAck(socket);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }

    private static async Task SendAsync(Socket socket, byte[] payload)
    {
        var frame = new byte[2 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)payload.Length);
        payload.CopyTo(frame, 2);
        await socket.SendAsync(frame, SocketFlags.None);
        QuickAck(socket);
    }

    /// <summary>
    /// vpcd writes the length and the payload in two sends; with Nagle and delayed ACK every APDU would stall about
    /// 40 ms. Linux clears TCP_QUICKACK by itself, so it is set again after every read and send.
    /// </summary>
    private static void QuickAck(Socket socket)
    {
        try
        {
            socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, One);
        }
        catch (SocketException)
        {
            // Closed underneath us; the next read reports it.
        }
    }

    public async ValueTask DisposeAsync() => await RemoveAsync();
}
