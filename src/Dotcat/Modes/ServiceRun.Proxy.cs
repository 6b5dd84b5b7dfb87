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
                string peer = connection.Peer;
                ProxyOutcome outcome = await ProxyServing.ServeAsync(
                    connection, _handshake, options, log, (client, target, name, ct) => RelayAsync(client, target, name, peer, ct), cancellationToken);
                if (outcome.Failure is { } failure)
                    log.Info($"{peer}: {failure}");
            }
        }

        private async Task RelayAsync(Duplex client, Duplex target, string name, string peer, CancellationToken cancellationToken)
        {
            log.Info($"{peer}: connected to {name}");
            try
            {
                RelayStats stats = await DuplexRelay.RunAsync(client, target, Relaying, cancellationToken);
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
