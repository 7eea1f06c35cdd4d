using System.Diagnostics;
using System.Threading.Channels;
using Ers.Agent.PcSc;
using Ers.Agent.Piv;

namespace Ers.VirtualCard;

/// <summary>
/// Times the agent's card path against this virtual card through the real pcscd: insertion -> PC/SC event ->
/// connect -> SELECT, CHUID, certificate -> VERIFY -> GENERAL AUTHENTICATE. Not a test: numbers for the docs.
/// </summary>
public static class CardBench
{
    public static async Task<int> RunAsync(int iterations, bool ecc, TextWriter output)
    {
        var service = new PcScCardReaderService(TimeProvider.System);
        var card = new VirtualPivCard(VirtualCardOptions.FromCertificate(
            TestCards.CreateSelfSigned("CN=Bench, SERIALNUMBER=555294209105", ecc)));
        var events = Channel.CreateUnbounded<ReaderEvent>();
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            await foreach (var item in service.WatchAsync(stop.Token))
            {
                events.Writer.TryWrite(item);
            }
        });
        var rows = new List<double[]>();
        var challenge = new byte[32];
        for (var i = 0; i < iterations + 1; i++)
        {
            while (service.IsCardPresent("Virtual PCD 00 00"))
            {
                await Task.Delay(5);
            }
            await using var link = new VpcdCardLink(card, 0);
            var inserted = Stopwatch.GetTimestamp();
            await link.InsertAsync();
            var seen = await NextAsync(events.Reader, ReaderEventKind.CardInserted);
            var t0 = Stopwatch.GetTimestamp();
            var connection = new TimedConnection(await service.ConnectAsync(link.ReaderName, default));
            var connected = Stopwatch.GetTimestamp();
            var piv = new PivCard(connection);
            await piv.SelectAsync(default);
            await piv.ReadCardIdAsync(default);
            var certificate = await piv.ReadAuthenticationCertificateAsync(default);
            var read = Stopwatch.GetTimestamp();
            await piv.VerifyPinAsync("123456".ToCharArray(), default);
            var verified = Stopwatch.GetTimestamp();
            await piv.SignAsync(certificate, challenge, default);
            var signed = Stopwatch.GetTimestamp();
            await connection.DisposeAsync();
            await link.RemoveAsync();
            await NextAsync(events.Reader, ReaderEventKind.CardRemoved);
            if (i == 0)
            {
                continue; // warm-up: JIT and first-use costs
            }
            rows.Add(
            [
                Ms(inserted, seen.Timestamp), Ms(t0, connected), Ms(connected, read), Ms(read, verified), Ms(verified, signed),
                Ms(seen.Timestamp, signed), Ms(inserted, signed), connection.TransmitMilliseconds, connection.Commands,
            ]);
        }
        await stop.CancelAsync();
        await pump;
        string[] names =
        [
            "insert -> PC/SC event", "SCardConnect", "SELECT+CHUID+certificate", "VERIFY", "GENERAL AUTHENTICATE",
            "event -> signature", "insert -> signature", "time in SCardTransmit", "APDUs per login",
        ];
        output.WriteLine($"{iterations} insertions, {(ecc ? "ECC P-256" : "RSA-2048")}, virtual card in vpcd (ms; p50 / p95 / max)");
        for (var c = 0; c < names.Length; c++)
        {
            var values = rows.Select(r => r[c]).Order().ToArray();
            output.WriteLine($"  {names[c],-26} {P(values, 0.5),8:F2} {P(values, 0.95),8:F2} {values[^1],8:F2}");
        }
        return 0;
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static async Task<ReaderEvent> NextAsync(ChannelReader<ReaderEvent> reader, ReaderEventKind kind)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var item = await reader.ReadAsync(timeout.Token);
            if (item.Kind == kind)
            {
                return item;
            }
        }
    }

    private sealed class TimedConnection(ICardConnection inner) : ICardConnection
    {
        public string Reader => inner.Reader;

        public bool ResetOnDispose
        {
            get => inner.ResetOnDispose;
            set => inner.ResetOnDispose = value;
        }

        public void BeginTransaction() => inner.BeginTransaction();

        public void EndTransaction(bool reset) => inner.EndTransaction(reset);

        public double TransmitMilliseconds { get; private set; }

        public int Commands { get; private set; }

        public async Task<byte[]> TransmitAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await inner.TransmitAsync(command, cancellationToken);
            TransmitMilliseconds += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Commands++;
            return response;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
