using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Transports;

/// <summary>Connect mode's socket: tries every address the host resolves to, in order, within one <c>-w</c> budget.</summary>
internal sealed class SocketConnector(DotcatOptions options, Log log) : IConnector
{
    public async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        switch (options.Endpoint)
        {
            case Endpoint.Tcp tcp:
                Socket stream = await ConnectIpAsync(tcp, SocketType.Stream, ProtocolType.Tcp, cancellationToken);
                return Connection.OverSocket(stream, new SocketDuplex(stream), Protocol.Tcp);
            case Endpoint.Udp udp:
                Socket datagrams = await ConnectIpAsync(udp, SocketType.Dgram, ProtocolType.Udp, cancellationToken);
                return Connection.OverSocket(datagrams, new DatagramDuplex(datagrams, Datagrams.MaxSize(Protocol.Udp)), Protocol.Udp);
            case Endpoint.UnixStream unix:
                (Socket unixStream, _) = await UnixSockets.ConnectAsync(unix.Path, SocketType.Stream, options.ConnectTimeout, cancellationToken);
                return Connection.OverSocket(unixStream, new SocketDuplex(unixStream), Protocol.UnixStream);
            case Endpoint.UnixDatagram unix:
                (Socket unixDatagrams, IDisposable? ownAddress) = await UnixSockets.ConnectAsync(unix.Path, SocketType.Dgram, options.ConnectTimeout, cancellationToken, unix.Source);
                var duplex = new DatagramDuplex(unixDatagrams, Datagrams.MaxSize(Protocol.UnixDatagram), owned: ownAddress);
                return Connection.OverSocket(unixDatagrams, duplex, Protocol.UnixDatagram, peer: unix.Path);
            default:
                throw new UnreachableException($"the binder makes no {options.Endpoint}");
        }
    }

    /// <summary>
    /// TCP: the first address that accepts. UDP has no handshake, so its connect succeeds on the first address that
    /// routes; a refusal only shows later (ICMP), when the session reports it.
    /// </summary>
    private async Task<Socket> ConnectIpAsync(Endpoint.Ip target, SocketType type, ProtocolType protocol, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await Resolver.ResolveAsync(target.Host!, options.Family, cancellationToken);
        return await ConnectFirstAsync(addresses, target, type, protocol, cancellationToken);
    }

    /// <summary>The first of <paramref name="addresses"/> that accepts, tried in order (<c>localhost</c>: ::1, then 127.0.0.1).</summary>
    public async Task<Socket> ConnectFirstAsync(
        IPAddress[] addresses, Endpoint.Ip target, SocketType type, ProtocolType protocol, CancellationToken cancellationToken)
    {
        IPAddress? source = target.SourceAddress is { } s
            ? (await Resolver.ResolveAsync(s, options.Family, cancellationToken))[0]
            : null;
        string name = Endpoints.Format(target.Host!, target.Port);

        using CancellationTokenSource deadline = Deadline.After(options.ConnectTimeout, cancellationToken);
        SocketError lastError = SocketError.AddressFamilyNotSupported;
        foreach (IPAddress address in addresses)
        {
            if (source is not null && source.AddressFamily != address.AddressFamily)
                continue;
            var socket = new Socket(address.AddressFamily, type, protocol);
            try
            {
                if (protocol == ProtocolType.Tcp)
                    socket.NoDelay = true;
                if (source is not null || target.SourcePort is not null)
                    socket.Bind(new IPEndPoint(source ?? AnyOf(address.AddressFamily), target.SourcePort ?? 0));
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), deadline.Token);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e.SocketErrorCode;
                log.Info($"cannot connect to {Endpoints.Format(address.ToString(), target.Port)}: {SocketErrors.Describe(lastError)}", level: 2);
            }
            catch (Exception e) when (Deadline.Expired(e, cancellationToken))
            {
                socket.Dispose();
                throw new DotcatException($"cannot connect to {name}: timed out after {TimeValue.Format(options.ConnectTimeout!.Value)}");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        // The SocketError travels as the inner exception: dotcat's proxy server picks its SOCKS5 reply from it.
        throw new DotcatException($"cannot connect to {name}: {SocketErrors.Describe(lastError)}", ExitCodes.Failure, new SocketException((int)lastError));
    }

    public static IPAddress AnyOf(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
