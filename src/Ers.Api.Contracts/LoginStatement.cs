using System.Buffers.Binary;
using System.Text;

namespace Ers.Api;

/// <summary>
/// The exact bytes a card signs to log in (the card signs their SHA-256). The agent builds them from what it knows
/// itself (its configured server origin, the workstation id of its own client certificate, the card it read) and
/// the server from what it knows itself (its configured origin, the workstation of the mutual-TLS certificate, the
/// card and challenge id bound in its challenge token), so a signature made for one system, workstation, card or
/// challenge is worthless anywhere else, and a server can no longer make a card sign bytes of its choosing.
/// </summary>
/// <remarks>
/// Layout, version 1 (<see cref="Protocol"/>):
/// <code>
/// "Ers-Login-v1" 0x00                  the label: ASCII, then one zero byte
/// len origin        UTF-8              https://host[:port], see <see cref="Origin"/>
/// len workstationId UTF-8              the CN of the workstation's client certificate
/// len cardId        UTF-8              the card id the agent reported (the CHUID GUID)
/// len challengeId   UTF-8              from the challenge
/// len nonce         32 bytes           from the challenge
/// </code>
/// Each <c>len</c> is the field's length in bytes, 2 bytes big-endian. The label differs from every
/// length-prefixed encoding Ers signs, and every field is length-prefixed, so no two inputs give the same bytes.
/// </remarks>
public static class LoginStatement
{
    /// <summary>The label and version; an agent names it in <see cref="CardInsertedRequest.LoginProtocol"/>.</summary>
    public const string Protocol = "Ers-Login-v1";

    /// <summary>The nonce of a challenge is exactly this long.</summary>
    public const int NonceSize = 32;

    /// <summary>An origin, workstation id, card id or challenge id longer than this (UTF-8 bytes) is refused.</summary>
    public const int MaxFieldBytes = 255;

    /// <summary>The statement for these inputs; <see cref="ArgumentException"/> when any is not of its shape.</summary>
    public static byte[] Build(string origin, string workstationId, string cardId, string challengeId, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var parsed) || Origin(parsed) != origin)
        {
            throw new ArgumentException($"'{origin}' is not a normalised https origin (scheme://host[:port], lowercase, no default port).", nameof(origin));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"The nonce must be exactly {NonceSize} bytes, not {nonce.Length}.", nameof(nonce));
        }

        var fields = new[] { Field(origin, nameof(origin)), Field(workstationId, nameof(workstationId)), Field(cardId, nameof(cardId)), Field(challengeId, nameof(challengeId)) };
        var label = Encoding.ASCII.GetBytes(Protocol);
        var statement = new byte[label.Length + 1 + fields.Sum(f => 2 + f.Length) + 2 + NonceSize];
        var at = 0;
        label.CopyTo(statement, at);
        at += label.Length + 1; // the zero byte after the label
        foreach (var field in fields)
        {
            at = Put(statement, at, field);
        }

        Put(statement, at, nonce);
        return statement;
    }

    /// <summary>
    /// The origin of <paramref name="address"/> as a statement names it: <c>https://</c>, the host in lowercase (an
    /// IPv6 address in brackets), and the port unless it is 443. Its path is ignored; anything but an absolute
    /// <c>https</c> address with a host and no user information is an <see cref="ArgumentException"/>.
    /// </summary>
    public static string Origin(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || address.Scheme != Uri.UriSchemeHttps || address.Host.Length == 0 || address.UserInfo.Length > 0)
        {
            throw new ArgumentException($"'{address}' is not an https address with a host.", nameof(address));
        }

        var host = address.IdnHost.ToLowerInvariant();
        if (address.HostNameType == UriHostNameType.IPv6 && !host.StartsWith('['))
        {
            host = "[" + host + "]";
        }

        return address.IsDefaultPort ? $"https://{host}" : $"https://{host}:{address.Port}";
    }

    /// <summary>Whether <paramref name="address"/> is an <c>https</c> address whose origin is <paramref name="origin"/>.</summary>
    public static bool IsOn(Uri address, string origin)
    {
        try
        {
            return Origin(address) == origin;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static byte[] Field(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("The field must not be empty.", name);
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > MaxFieldBytes || value.Any(char.IsControl))
        {
            throw new ArgumentException($"The field must be at most {MaxFieldBytes} bytes of UTF-8 without control characters.", name);
        }

        return bytes;
    }

    private static int Put(byte[] statement, int at, ReadOnlySpan<byte> field)
    {
        BinaryPrimitives.WriteUInt16BigEndian(statement.AsSpan(at), (ushort)field.Length);
        field.CopyTo(statement.AsSpan(at + 2));
        return at + 2 + field.Length;
    }
}
