using System.Text;

namespace Ers.Agent.PcSc;

/// <summary>One pcsc-lite context. Not thread-safe by design: each user (the watcher, each connection) owns one.</summary>
internal sealed unsafe class PcScContext : IDisposable
{
    private nint _handle;

    private PcScContext(nint handle) => _handle = handle;

    public nint Handle => _handle;

    public static PcScContext Establish()
    {
        var rc = (long)PcScNative.EstablishContext(PcScNative.ScopeSystem, 0, 0, out var handle);
        if (rc != PcScError.Success)
        {
            throw new SmartCardException(PcScError.Classify(rc), rc, "SCardEstablishContext");
        }
        return new PcScContext(handle);
    }

    public List<string> ListReaders()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            nuint length = 0;
            var rc = (long)PcScNative.ListReaders(_handle, null, null, ref length);
            if (rc == PcScError.NoReadersAvailable)
            {
                return [];
            }
            Check(rc, "SCardListReaders");
            var buffer = new byte[(int)length];
            fixed (byte* p = buffer)
            {
                rc = PcScNative.ListReaders(_handle, null, p, ref length);
            }
            if (rc == PcScError.InsufficientBuffer)
            {
                continue; // a reader appeared between the two calls
            }
            if (rc == PcScError.NoReadersAvailable)
            {
                return [];
            }
            Check(rc, "SCardListReaders");
            return ParseMultiString(buffer.AsSpan(0, (int)Math.Min(length, (nuint)buffer.Length)));
        }
        throw new SmartCardException(SmartCardError.Other, PcScError.InsufficientBuffer, "SCardListReaders");
    }

    /// <summary>UTF-8 strings, each NUL-terminated, the list ended by an empty string.</summary>
    internal static List<string> ParseMultiString(ReadOnlySpan<byte> buffer)
    {
        var names = new List<string>();
        while (!buffer.IsEmpty)
        {
            var end = buffer.IndexOf((byte)0);
            if (end <= 0)
            {
                break;
            }
            names.Add(Encoding.UTF8.GetString(buffer[..end]));
            buffer = buffer[(end + 1)..];
        }
        return names;
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            PcScNative.ReleaseContext(handle);
        }
    }

    public static void Check(long rc, string operation)
    {
        if (rc != PcScError.Success)
        {
            throw new SmartCardException(PcScError.Classify(rc), rc, operation);
        }
    }
}
