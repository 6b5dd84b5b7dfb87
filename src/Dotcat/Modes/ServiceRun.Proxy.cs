using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Proxy;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Modes;

internal abstract partial class ServiceRun
{
    /// <summary>
    /// <c>-l --proxy-type socks5|http</c>: each client's handshake, its target connected as connect mode would
    /// (-4/-6, -w), then the client and the target relayed by the same relay as every session. A client that
    /// misbehaves or asks for a target that cannot be reached gets its refusal and a <c>-v</c> line; the server goes on.
    /// </summary>
    private sealed class ProxyRun(Service.Proxy proxy, DotcatOptions options, Log log) : ServiceRun
    {
        private readonly ProxyServerHandshake _handshake = ProxyServerHandshake.For(proxy.Type, proxy.Credentials);

        /// <summary>The relay's rules for a proxied pair: half-close passes through, no idle or quit timer.</summary>
        private static readonly RelayOptions Relaying = new();

        public override async Task ServeAsync(Connection connection, CancellationToken cancellationToken)
        {
            await using (connection)
            {
                if (connection.Duplex is not SocketDuplex { Socket: var client })
                    throw new DotcatException("the proxy server serves plain TCP clients only");
                string peer = connection.Peer;
                var server = new ProxyServer(_handshake, ConnectAsync, (stream, leftover, target, ct) => RelayAsync(client, leftover, target, peer, ct));
                await using var stream = new NetworkStream(client, ownsSocket: false);
                ProxyOutcome outcome = await server.ServeAsync(stream, cancellationToken);
                if (outcome.Failure is { } failure)
                    log.Info($"{peer}: {failure}");
            }
        }

        private async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
        {
            IPAddress[] addresses = await Resolver.ResolveAsync(host, options.Family, cancellationToken);
            return await new SocketConnector(options, log).ConnectFirstAsync(addresses, new Endpoint.Tcp(host, port), SocketType.Stream, ProtocolType.Tcp, cancellationToken);
        }

        private async Task RelayAsync(Socket client, ReadOnlyMemory<byte> leftover, Socket target, string peer, CancellationToken cancellationToken)
        {
            string name = Endpoints.Format(target.RemoteEndPoint);
            log.Info($"{peer}: connected to {name}");
            // The target's socket is the ProxyServer's to close; the relay only borrows it (and the client's).
            var clientSide = new SocketDuplex(client, leftover);
            var targetSide = new SocketDuplex(target);
            try
            {
                RelayStats stats = await DuplexRelay.RunAsync(clientSide, targetSide, Relaying, cancellationToken);
                log.Info($"{peer} to {name}: {PeerRelay.Summary(stats.Received, stats.Sent, stats.Elapsed)}", level: 2);
            }
            catch (Exception e) when (e is SocketException or IOException or DotcatException && !cancellationToken.IsCancellationRequested)
            {
                string reason = e is SocketException s ? SocketErrors.Describe(s.SocketErrorCode) : e.Message;
                log.Info($"{peer} to {name}: {reason}");
            }
        }
    }
}
