using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Ers.Agent.PcSc;

/// <summary>
/// <see cref="ICardReaderService"/> over pcsc-lite. The watcher blocks in <c>SCardGetStatusChange</c> on a thread and
/// a context of its own: any other call on that context while it waits would deadlock inside pcsc-lite, so the only
/// thing ever done to it from outside is <c>SCardCancel</c>.
/// </summary>
public sealed class PcScCardReaderService(TimeProvider timeProvider) : ICardReaderService
{
    public async IAsyncEnumerable<ReaderEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ReaderEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var watcher = new ReaderWatcher(channel.Writer, timeProvider);
        var thread = new Thread(watcher.Run) { IsBackground = true, Name = "pcsc-watcher" };
        thread.Start();
        using var registration = cancellationToken.Register(() => Task.Run(() => StopUntilGone(watcher, thread)));
        try
        {
            // The watcher completes the channel when stopped, so enumeration ends without an exception.
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                yield return item;
            }
        }
        finally
        {
            StopUntilGone(watcher, thread);
        }
    }

    /// <summary>
    /// SCardCancel only wakes a wait in progress: one that lands while SCardGetStatusChange is still setting up
    /// (before pcscd registered the waiter) is lost. So cancel again until the thread is gone.
    /// </summary>
    private static void StopUntilGone(ReaderWatcher watcher, Thread thread)
    {
        do
        {
            watcher.Stop();
        }
        while (!thread.Join(TimeSpan.FromMilliseconds(50)));
    }

    public IReadOnlyList<string> ListReaders()
    {
        using var context = PcScContext.Establish();
        return context.ListReaders();
    }

    public unsafe bool IsCardPresent(string reader)
    {
        using var context = PcScContext.Establish();
        var name = Marshal.StringToCoTaskMemUTF8(reader);
        try
        {
            var state = new PcScNative.ReaderState { Reader = name };
            var rc = (long)PcScNative.GetStatusChange(context.Handle, 0, &state, 1);
            if (rc != PcScError.Timeout)
            {
                PcScContext.Check(rc, "SCardGetStatusChange");
            }
            var flags = (ReaderStateFlags)(uint)(state.EventState & 0xFFFF);
            return flags.HasFlag(ReaderStateFlags.Present);
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    public Task<ICardConnection> ConnectAsync(string reader, CancellationToken cancellationToken) =>
        Task.Run<ICardConnection>(() => PcScCardConnection.Open(reader), cancellationToken);

    private sealed unsafe class ReaderWatcher(ChannelWriter<ReaderEvent> writer, TimeProvider timeProvider)
    {
        private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
        private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

        private readonly ManualResetEventSlim _stopped = new();
        private readonly Dictionary<string, nuint> _lastState = new(StringComparer.Ordinal);
        private readonly HashSet<string> _present = new(StringComparer.Ordinal);
        private nint _waitingContext;
        private bool? _serviceUp;
        private bool _reportedNoReaders;

        public void Stop()
        {
            _stopped.Set();
            var context = Interlocked.CompareExchange(ref _waitingContext, 0, 0);
            if (context != 0)
            {
                PcScNative.Cancel(context);
            }
        }

        public void Run()
        {
            var backoff = FirstBackoff;
            while (!_stopped.IsSet)
            {
                PcScContext context;
                try
                {
                    context = PcScContext.Establish();
                }
                catch (SmartCardException)
                {
                    ServiceLost();
                    _stopped.Wait(backoff);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }
                backoff = FirstBackoff;
                Interlocked.Exchange(ref _waitingContext, context.Handle);
                try
                {
                    if (_serviceUp == false)
                    {
                        Emit(ReaderEventKind.ServiceAvailable, "", []);
                    }
                    _serviceUp = true;
                    Watch(context);
                }
                catch (SmartCardException)
                {
                    // pcscd stopped or restarted: this context is dead for good (even once pcscd is back every call
                    // on it answers SCARD_E_NO_SERVICE), so drop it and establish a new one.
                    ServiceLost();
                }
                finally
                {
                    Interlocked.Exchange(ref _waitingContext, 0);
                    context.Dispose();
                }
            }
            writer.TryComplete();
        }

        private void ServiceLost()
        {
            foreach (var reader in _present)
            {
                Emit(ReaderEventKind.CardRemoved, reader, []);
            }
            _present.Clear();
            _lastState.Clear();
            _reportedNoReaders = false;
            if (_serviceUp != false)
            {
                Emit(ReaderEventKind.ServiceUnavailable, "", []);
            }
            _serviceUp = false;
        }

        private void Watch(PcScContext context)
        {
            nuint pnpState = 0;
            while (!_stopped.IsSet)
            {
                var readers = context.ListReaders();
                foreach (var gone in _lastState.Keys.Where(r => !readers.Contains(r)).ToList())
                {
                    _lastState.Remove(gone);
                    if (_present.Remove(gone))
                    {
                        Emit(ReaderEventKind.CardRemoved, gone, []);
                    }
                }
                if (readers.Count == 0 && !_reportedNoReaders)
                {
                    Emit(ReaderEventKind.NoReaders, "", []);
                }
                _reportedNoReaders = readers.Count == 0;
                pnpState = WaitForChanges(context, readers, pnpState);
            }
        }

        /// <summary>Waits until the reader list itself changes; returns the PnP pseudo reader's last state.</summary>
        private nuint WaitForChanges(PcScContext context, List<string> readers, nuint pnpState)
        {
            var names = new List<string>(readers) { PcScNative.PnpNotification };
            var count = names.Count;
            var states = new PcScNative.ReaderState[count];
            var nativeNames = new nint[count];
            try
            {
                for (var i = 0; i < count; i++)
                {
                    // The strings must stay allocated for the whole SCardGetStatusChange call.
                    nativeNames[i] = Marshal.StringToCoTaskMemUTF8(names[i]);
                    states[i].Reader = nativeNames[i];
                    states[i].CurrentState = i == count - 1 ? pnpState : _lastState.GetValueOrDefault(names[i]);
                }
                while (!_stopped.IsSet)
                {
                    long rc;
                    fixed (PcScNative.ReaderState* p = states)
                    {
                        rc = PcScNative.GetStatusChange(context.Handle, PcScNative.Infinite, p, (nuint)count);
                    }
                    if (rc is PcScError.Cancelled or PcScError.Timeout)
                    {
                        continue;
                    }
                    if (rc is PcScError.UnknownReader or PcScError.ReaderUnavailable)
                    {
                        return pnpState;
                    }
                    PcScContext.Check(rc, "SCardGetStatusChange");
                    var relist = false;
                    for (var i = 0; i < count; i++)
                    {
                        var eventState = states[i].EventState;
                        var flags = (ReaderStateFlags)(uint)(eventState & 0xFFFF);
                        if (!flags.HasFlag(ReaderStateFlags.Changed))
                        {
                            continue;
                        }
                        var current = eventState & ~(nuint)ReaderStateFlags.Changed;
                        states[i].CurrentState = current;
                        if (i == count - 1)
                        {
                            pnpState = current;
                            relist = true;
                            continue;
                        }
                        relist |= (flags & (ReaderStateFlags.Unknown | ReaderStateFlags.Unavailable)) != 0;
                        var atr = new byte[(int)Math.Min(states[i].AtrLength, 33)];
                        for (var b = 0; b < atr.Length; b++)
                        {
                            atr[b] = states[i].Atr[b];
                        }
                        Observe(names[i], current, atr);
                    }
                    if (relist)
                    {
                        return pnpState;
                    }
                }
                return pnpState;
            }
            finally
            {
                foreach (var name in nativeNames)
                {
                    Marshal.FreeCoTaskMem(name);
                }
            }
        }

        private void Observe(string reader, nuint state, byte[] atr)
        {
            var flags = (ReaderStateFlags)(uint)(state & 0xFFFF);
            var present = flags.HasFlag(ReaderStateFlags.Present) && !flags.HasFlag(ReaderStateFlags.Mute)
                && (flags & (ReaderStateFlags.Unknown | ReaderStateFlags.Unavailable)) == 0;
            var hadState = _lastState.TryGetValue(reader, out var previous);
            _lastState[reader] = state;
            var wasPresent = _present.Contains(reader);
            if (present && !wasPresent)
            {
                _present.Add(reader);
                Emit(ReaderEventKind.CardInserted, reader, atr);
            }
            else if (!present && wasPresent)
            {
                _present.Remove(reader);
                Emit(ReaderEventKind.CardRemoved, reader, []);
            }
            else if (present && hadState && (previous >> 16) != (state >> 16))
            {
                // pcsc-lite counts card events in the upper 16 bits: a card swapped between two polls shows up as
                // "still present" with a different count. It is a new card and must start a new journey.
                Emit(ReaderEventKind.CardRemoved, reader, []);
                Emit(ReaderEventKind.CardInserted, reader, atr);
            }
        }

        private void Emit(ReaderEventKind kind, string reader, byte[] atr) =>
            writer.TryWrite(new ReaderEvent(kind, reader, atr, timeProvider.GetTimestamp()));
    }
}
