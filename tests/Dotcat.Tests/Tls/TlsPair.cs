using System.Net;
using System.Net.Sockets;
using Dotcat.Tls;

namespace Dotcat.Tests.Tls;

/// <summary>A connected loopback TCP pair, and both TLS sides of a handshake over it.</summary>
internal static class TlsPair
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<(Socket Client, Socket Server)> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        Socket server = await accept.WaitAsync(Timeout);
        return (client, server);
    }

    /// <summary>Both handshakes at once; each side's failure stays in its own task.</summary>
    public static async Task<(Task<TlsDuplex> Client, Task<TlsDuplex> Server)> HandshakeAsync(
        TlsClientSettings client, TlsServerSettings server, CancellationToken cancellationToken = default)
    {
        (Socket c, Socket s) = await ConnectAsync();
        Task<TlsDuplex> serverSide = TlsConnector.ServerAsync(s, "client 127.0.0.1", server, cancellationToken);
        Task<TlsDuplex> clientSide = TlsConnector.ClientAsync(c, "127.0.0.1:1", client, cancellationToken);
        try
        {
            await Task.WhenAll(serverSide, clientSide).WaitAsync(Timeout, cancellationToken);
        }
        catch (TlsException)
        {
        }
        return (clientSide, serverSide);
    }

    /// <summary>Reads to EOF; returns everything.</summary>
    public static async Task<byte[]> ReadAllAsync(this Dotcat.Relay.Duplex duplex)
    {
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await duplex.ReadAsync(buffer, CancellationToken.None)) > 0)
            all.Write(buffer, 0, read);
        return all.ToArray();
    }
}
