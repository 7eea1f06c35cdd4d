using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;

namespace Ers.Web.Browser;

/// <summary>
/// The browser cookie's ticket format with a bounded cache of already-unprotected tickets in front of it. Decrypting
/// and deserializing the cookie was the largest single cost of a page view (about a tenth of the web node's CPU);
/// the same cookie bytes always decrypt to the same ticket, so a hit is keyed by a SHA-256 of the exact cookie text
/// and answers a copy. Entries are re-checked with Data Protection after <see cref="MaxEntryAge"/>, so a revoked key
/// ring key stops being honoured within that time; the session itself is still checked on every request
/// (<see cref="SessionView"/>), and the cookie handler still enforces the ticket's expiry.
/// </summary>
internal sealed class CachedTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time, int capacity)
    : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan MaxEntryAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<UInt128, Entry> _entries = new();

    public int Count => _entries.Count;

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, purpose: null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
        {
            return inner.Unprotect(protectedText, purpose);
        }

        var key = KeyOf(protectedText);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && now - entry.CachedAt < MaxEntryAge)
        {
            // A copy: the handler and the request may change the principal or properties they get.
            return entry.Ticket.Clone();
        }

        var ticket = inner.Unprotect(protectedText);
        if (ticket is null)
        {
            _entries.TryRemove(key, out _);
            return null;
        }

        if (_entries.Count >= capacity)
        {
            // Crude but bounded: a full cache starts over (misses cost what they cost before the cache).
            _entries.Clear();
        }

        _entries[key] = new Entry(ticket.Clone(), now);
        return ticket;
    }

    private static UInt128 KeyOf(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    private sealed record Entry(AuthenticationTicket Ticket, DateTimeOffset CachedAt);
}
