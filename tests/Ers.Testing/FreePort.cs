using System.Net;
using System.Net.Sockets;

namespace Ers.Testing;

/// <summary>
/// TCP ports on 127.0.0.1 for servers a test starts and must name before they start (a login URL, a silo's
/// gateway in another process's settings).
/// </summary>
/// <remarks>
/// A port the OS hands out as ephemeral (port 0) can be taken again by any outgoing connection on the machine in
/// the moment between the check and the server's bind: a CI run once failed with "address already in use" that way
/// while builds ran beside it. So ports come from below the kernel's ephemeral range
/// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>; above it where it starts low), which outgoing connections never use, are checked free by a
/// bind, and are never handed out twice by one process.
/// </remarks>
public static class FreePort
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Given = [];
    private static readonly (int Low, int High) Range = OutsideEphemeral();

    /// <summary>A TCP port on 127.0.0.1 that is free now and outside the range outgoing connections take.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Range.Low, Range.High);
                if (Given.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                Given.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port in {Range.Low}-{Range.High} after 1000 tries.");
    }

    /// <summary><see cref="Next"/> as configuration text.</summary>
    public static string NextText() => Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Low, int High) OutsideEphemeral()
    {
        // Linux's default ephemeral range is 32768-60999.
        var (low, high) = (32768, 60999);
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            (low, high) = (int.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(text[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or the file is unreadable: keep the default.
        }

        return low > 21000 ? (20000, low) : high < 64000 ? (high + 1, 65535) : (20000, 32768);
    }
}
