using System.Net;
using System.Net.Sockets;

namespace Dotcat.Tests.Support;

/// <summary>A connected TCP pair on 127.0.0.1 (port 0), for specs that drive a socket's two ends themselves.</summary>
internal static class LoopbackTcp
{
    public static async Task<(Socket Ours, Socket Peer)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var ours = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await ours.ConnectAsync(listener.LocalEndPoint!);
        return (ours, await listener.AcceptAsync());
    }
}
