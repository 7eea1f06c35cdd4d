using System.Runtime.InteropServices;

namespace Ers.Agent.PcSc;

/// <summary>
/// The few pcsc-lite entry points the agent uses. On 64-bit Linux DWORD and LONG are 8 bytes (unsigned long / long),
/// so every one of them is <see cref="nuint"/>/<see cref="nint"/> here; a 4-byte declaration would let the library
/// write past the variable.
/// </summary>
internal static unsafe partial class PcScNative
{
    private const string Library = "libpcsclite.so.1";

    public const nuint ScopeSystem = 2;
    public const nuint ShareShared = 2;
    public const nuint ProtocolT0 = 1;
    public const nuint ProtocolT1 = 2;
    public const nuint LeaveCard = 0;
    public const nuint ResetCard = 1;
    public const nuint Infinite = 0xFFFFFFFF;

    /// <summary>The pseudo reader whose state changes when readers are plugged in or out.</summary>
    public const string PnpNotification = @"\\?PnP?\Notification";

    [StructLayout(LayoutKind.Sequential)]
    public struct ReaderState
    {
        public nint Reader;
        public nint UserData;
        public nuint CurrentState;
        public nuint EventState;
        public nuint AtrLength;
        public fixed byte Atr[33];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoRequest
    {
        public nuint Protocol;
        public nuint PciLength;
    }

    [LibraryImport(Library, EntryPoint = "SCardEstablishContext")]
    public static partial nint EstablishContext(nuint scope, nint reserved1, nint reserved2, out nint context);

    [LibraryImport(Library, EntryPoint = "SCardReleaseContext")]
    public static partial nint ReleaseContext(nint context);

    [LibraryImport(Library, EntryPoint = "SCardListReaders")]
    public static partial nint ListReaders(nint context, byte* groups, byte* readers, ref nuint readersLength);

    [LibraryImport(Library, EntryPoint = "SCardGetStatusChange")]
    public static partial nint GetStatusChange(nint context, nuint timeout, ReaderState* states, nuint count);

    [LibraryImport(Library, EntryPoint = "SCardCancel")]
    public static partial nint Cancel(nint context);

    [LibraryImport(Library, EntryPoint = "SCardConnect")]
    public static partial nint Connect(
        nint context, byte* reader, nuint shareMode, nuint preferredProtocols, out nint card, out nuint activeProtocol);

    [LibraryImport(Library, EntryPoint = "SCardDisconnect")]
    public static partial nint Disconnect(nint card, nuint disposition);

    [LibraryImport(Library, EntryPoint = "SCardBeginTransaction")]
    public static partial nint BeginTransaction(nint card);

    [LibraryImport(Library, EntryPoint = "SCardEndTransaction")]
    public static partial nint EndTransaction(nint card, nuint disposition);

    [LibraryImport(Library, EntryPoint = "SCardTransmit")]
    public static partial nint Transmit(
        nint card, IoRequest* sendPci, byte* send, nuint sendLength, IoRequest* receivePci, byte* receive,
        ref nuint receiveLength);

    [LibraryImport(Library, EntryPoint = "SCardStatus")]
    public static partial nint Status(
        nint card, byte* readerName, ref nuint readerLength, out nuint state, out nuint protocol, byte* atr,
        ref nuint atrLength);
}

/// <summary>Reader state flags (the low 16 bits of dwEventState; pcsc-lite keeps an event counter above them).</summary>
[Flags]
internal enum ReaderStateFlags : uint
{
    Unaware = 0,
    Ignore = 0x1,
    Changed = 0x2,
    Unknown = 0x4,
    Unavailable = 0x8,
    Empty = 0x10,
    Present = 0x20,
    AtrMatch = 0x40,
    Exclusive = 0x80,
    InUse = 0x100,
    Mute = 0x200,
    Unpowered = 0x400,
}
