using System.Net.Sockets;

namespace Dotcat.Transports;

/// <summary>The address-reuse switches, set as raw options so each means exactly one thing on every platform.</summary>
internal static class SocketOptions
{
    /// <summary>The binder has made sure <paramref name="reusePort"/> comes only where SO_REUSEPORT exists.</summary>
    public static void ApplyReuse(Socket socket, bool reuseAddress, bool reusePort)
    {
        // .NET's ReuseAddress on Linux sets SO_REUSEPORT too, so the raw options are used instead. TCP listeners on Unix
        // already get SO_REUSEADDR from .NET (rebinding through TIME_WAIT), so --reuseaddr only adds it for UDP.
        if (reuseAddress && socket.SocketType == SocketType.Dgram && !OperatingSystem.IsWindows())
            SetFlag(socket, SolSocket, OperatingSystem.IsLinux() ? 2 : 0x4);
        if (reusePort)
            SetFlag(socket, SolSocket, OperatingSystem.IsLinux() ? 15 : 0x200);
    }

    private static int SolSocket => OperatingSystem.IsLinux() ? 1 : 0xffff;

    private static void SetFlag(Socket socket, int level, int name) =>
        socket.SetRawSocketOption(level, name, BitConverter.GetBytes(1));
}
