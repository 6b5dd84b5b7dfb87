using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dotcat.Tests.Support;

/// <summary>
/// A loopback port free now, for a test that cannot bind port 0 itself: a tool that needs a number, or a port known
/// to have no listener. On Linux it is below the ephemeral range, so no port-0 bind (of this suite, or of anything
/// else on a busy machine) can take it meanwhile; only another pick could, and picks are random over thousands.
/// </summary>
internal static class FreePorts
{
    /// <summary>Below this, ports are left to services that bind well-known numbers.</summary>
    private const int FirstPick = 20_000;

    public static int Pick(ProtocolType protocol)
    {
        int below = EphemeralLow();
        for (int attempt = 0; attempt < 100 && below > FirstPick; attempt++)
        {
            int port = Random.Shared.Next(FirstPick, below);
            if (IsFree(port, protocol))
                return port;
        }
        using Socket socket = NewSocket(protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (!OperatingSystem.IsLinux() || !File.Exists(range))
            return 0;
        string[] bounds = File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return bounds.Length > 0 && int.TryParse(bounds[0], CultureInfo.InvariantCulture, out int low) ? low : 0;
    }

    private static bool IsFree(int port, ProtocolType protocol)
    {
        using Socket socket = NewSocket(protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Socket NewSocket(ProtocolType protocol) =>
        new(AddressFamily.InterNetwork, protocol == ProtocolType.Udp ? SocketType.Dgram : SocketType.Stream, protocol);
}
