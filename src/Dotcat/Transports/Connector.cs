using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Transports;

/// <summary>Connect mode's socket: tries every address the host resolves to, in order, within one <c>-w</c> budget.</summary>
internal static class Connector
{
    /// <summary>The one place connect mode picks its transport: the peer as a byte channel, and its name for messages.</summary>
    public static async Task<(Duplex Remote, string Peer)> OpenAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        switch (options.Transport)
        {
            case Transport.Tcp or Transport.UnixStream:
                Socket stream = await ConnectStreamAsync(options, log, cancellationToken);
                return (new SocketDuplex(stream), Endpoints.Format(stream.RemoteEndPoint));
            case Transport.Udp:
                Socket udp = await ConnectIpAsync(options, SocketType.Dgram, ProtocolType.Udp, log, cancellationToken);
                return (new DatagramDuplex(udp, Datagrams.MaxSize(options.Transport)), Endpoints.Format(udp.RemoteEndPoint));
            default:
                (Socket unix, IDisposable? ownAddress) = await UnixSockets.ConnectAsync(options.UnixPath!, SocketType.Dgram, options.ConnectTimeout, cancellationToken);
                return (new DatagramDuplex(unix, Datagrams.MaxSize(options.Transport), owned: ownAddress), options.UnixPath!);
        }
    }

    /// <summary>A connected TCP or Unix stream socket.</summary>
    public static async Task<Socket> ConnectStreamAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        if (options.IsUnix)
            return (await UnixSockets.ConnectAsync(options.UnixPath!, SocketType.Stream, options.ConnectTimeout, cancellationToken)).Socket;
        return await ConnectIpAsync(options, SocketType.Stream, ProtocolType.Tcp, log, cancellationToken);
    }

    /// <summary>
    /// TCP: the first address that accepts. UDP has no handshake, so its connect succeeds on the first address that
    /// routes; a refusal only shows later (ICMP), when the session reports it.
    /// </summary>
    private static async Task<Socket> ConnectIpAsync(
        DotcatOptions options, SocketType type, ProtocolType protocol, Log log, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await Resolver.ResolveAsync(options.Host!, options.Family, cancellationToken);
        return await ConnectFirstAsync(addresses, options, type, protocol, log, cancellationToken);
    }

    /// <summary>The first of <paramref name="addresses"/> that accepts, tried in order (<c>localhost</c>: ::1, then 127.0.0.1).</summary>
    public static async Task<Socket> ConnectFirstAsync(
        IPAddress[] addresses, DotcatOptions options, SocketType type, ProtocolType protocol, Log log, CancellationToken cancellationToken)
    {
        IPAddress? source = options.SourceAddress is { } s
            ? (await Resolver.ResolveAsync(Endpoints.StripBrackets(s), options.Family, cancellationToken))[0]
            : null;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.ConnectTimeout is { } timeout)
            deadline.CancelAfter(timeout);

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
                if (source is not null || options.SourcePort is not null)
                    socket.Bind(new IPEndPoint(source ?? AnyOf(address.AddressFamily), options.SourcePort ?? 0));
                await socket.ConnectAsync(new IPEndPoint(address, options.Port), deadline.Token);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e.SocketErrorCode;
                log.Info($"cannot connect to {Endpoints.Format(address.ToString(), options.Port)}: {SocketErrors.Describe(lastError)}", level: 2);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new DotcatException($"cannot connect to {options.Target}: timed out after {TimeValue.Format(options.ConnectTimeout!.Value)}");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new DotcatException($"cannot connect to {options.Target}: {SocketErrors.Describe(lastError)}");
    }

    public static IPAddress AnyOf(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
