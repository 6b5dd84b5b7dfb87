using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Proxy;
using Dotcat.Relay;

namespace Dotcat.Transports;

/// <summary>
/// The socket side of dotcat's own proxy server: one accepted client's handshake on its socket, the target it asks
/// for connected as connect mode would (-4/-6, -s, -w), then both ends handed to a relay as Duplexes,
/// so the mode that serves them never sees a socket.
/// </summary>
internal static class ProxyServing
{
    /// <summary>Relays a proxied pair: the client (what it sent after its request read first) and the target.</summary>
    public delegate Task PairRelay(Duplex client, Duplex target, string targetName, CancellationToken cancellationToken);

    public static async Task<ProxyOutcome> ServeAsync(
        Connection connection,
        ProxyServerHandshake handshake,
        DotcatOptions options,
        Log log,
        PairRelay relay,
        CancellationToken cancellationToken)
    {
        if (connection.Duplex is not SocketDuplex { Socket: var client })
            throw new DotcatException("the proxy server serves plain TCP clients only");
        var server = new ProxyServer(
            handshake,
            (host, port, ct) => ConnectAsync(host, port, options, log, ct),
            // The target's socket is the ProxyServer's to close; the relay only borrows it (and the client's).
            (_, leftover, target, ct) => relay(new SocketDuplex(client, leftover), new SocketDuplex(target), Endpoints.Format(target.RemoteEndPoint), ct));
        await using var stream = new NetworkStream(client, ownsSocket: false);
        return await server.ServeAsync(stream, cancellationToken);
    }

    private static async Task<Socket> ConnectAsync(string host, int port, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await Resolver.ResolveAsync(host, options.Family, cancellationToken);
        return await new SocketConnector(options, log).ConnectFirstAsync(addresses, new Endpoint.Tcp(host, port), SocketType.Stream, ProtocolType.Tcp, cancellationToken);
    }
}
