using System.Net;
using System.Net.Sockets;

namespace Ers.Testing;

public static class FreePort
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary><see cref="Next"/> as configuration text.</summary>
    public static string NextText() => Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
