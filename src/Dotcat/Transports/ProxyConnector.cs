using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Proxy;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Transports;

/// <summary>
/// Connect mode through <c>--proxy</c>: a TCP connection to the proxy (made as any other: -4/-6, -s, -p apply), then
/// the proxy's handshake for the target, both within one <c>-w</c> budget. What comes back is a plain socket
/// connection to the target as far as anyone above can tell: a <see cref="SocketDuplex"/> whose half-close is the
/// socket's, so TLS and every service run over the tunnel unchanged. Bytes the proxy passed on after its reply (the
/// target already talking) are read first.
/// </summary>
internal sealed class ProxyConnector(DotcatOptions options, ProxySettings proxy, Log log) : IConnector
{
    public async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var target = (Endpoint.Tcp)options.Endpoint;
        using CancellationTokenSource deadline = Deadline.After(options.ConnectTimeout, cancellationToken);
        Socket? socket = null;
        try
        {
            var viaProxy = new Endpoint.Tcp(proxy.Host, proxy.Port, target.SourceAddress, target.SourcePort);
            IPAddress[] addresses = await Resolver.ResolveAsync(proxy.Host, options.Family, deadline.Token);
            socket = await new SocketConnector(options, log).ConnectFirstAsync(addresses, viaProxy, SocketType.Stream, ProtocolType.Tcp, deadline.Token);
            log.Info($"connected to proxy {proxy.Display}", level: 2);

            ProxyTarget asked = await ProxyDns.ResolveAsync(target.Host!, target.Port, proxy, ResolveHereAsync, deadline.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            ProxyTunnel tunnel = await ProxyClient.HandshakeAsync(stream, proxy, asked, deadline.Token);
            var connection = Connection.OverSocket(socket, new SocketDuplex(socket, tunnel.Leftover), Protocol.Tcp, peer: asked.Display);
            socket = null;
            return connection;
        }
        catch (OperationCanceledException e) when (Deadline.Expired(e, cancellationToken))
        {
            throw new DotcatException(
                $"cannot connect to {Endpoints.Format(target.Host!, target.Port)} through proxy {proxy.Display}: timed out after {TimeValue.Format(options.ConnectTimeout!.Value)}");
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>Local resolution for <c>--proxy-dns local|both</c>, as <see cref="ProxyDns"/> wants it (a failure is a <see cref="SocketException"/>).</summary>
    private async Task<IPAddress[]> ResolveHereAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Resolver.ResolveAsync(host, options.Family, cancellationToken);
        }
        catch (DotcatException e) when (e.InnerException is SocketException socket)
        {
            throw new SocketException((int)socket.SocketErrorCode);
        }
        catch (DotcatException)
        {
            return [];
        }
    }
}
