using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;

namespace Dotcat.Transports;

/// <summary>Listen mode's socket: bound, listening, and reported with its real address only once it is ready.</summary>
internal static class Listener
{
    private const int Backlog = 512;

    /// <summary>
    /// UDP has no flow control: what arrives while the receive buffer is full is lost. A larger buffer absorbs a fast
    /// sender's bursts (the kernel caps it at net.core.rmem_max).
    /// </summary>
    private const int DatagramReceiveBuffer = 2 * 1024 * 1024;

    /// <summary>A listening TCP or Unix stream socket.</summary>
    public static Task<Socket> ListenStreamAsync(DotcatOptions options, Log log, CancellationToken cancellationToken) =>
        BindAsync(options, SocketType.Stream, log, cancellationToken);

    /// <summary>A bound UDP or Unix datagram socket, waiting for its first datagram.</summary>
    public static Task<Socket> BindDatagramAsync(DotcatOptions options, Log log, CancellationToken cancellationToken) =>
        BindAsync(options, SocketType.Dgram, log, cancellationToken);

    private static async Task<Socket> BindAsync(DotcatOptions options, SocketType type, Log log, CancellationToken cancellationToken)
    {
        if (options.IsUnix)
        {
            Socket unix = await UnixSockets.ListenAsync(options.UnixPath!, type, options.ReuseAddress);
            log.Info($"listening on {options.UnixPath}");
            return unix;
        }

        IPEndPoint endPoint = await LocalEndPointAsync(options, cancellationToken);
        var socket = new Socket(endPoint.AddressFamily, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
                socket.DualMode = options.Host is null && options.Family == IpFamily.Any;
            SocketOptions.ApplyReuse(socket, options);
            if (type == SocketType.Dgram)
                socket.ReceiveBufferSize = DatagramReceiveBuffer;
            socket.Bind(endPoint);
            if (type == SocketType.Stream)
                socket.Listen(Backlog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DotcatException($"cannot listen on {Endpoints.Format(endPoint)}: {SocketErrors.Describe(e.SocketErrorCode)}", ExitCodes.Failure, e);
        }
        log.Info($"listening on {Endpoints.Format(socket.LocalEndPoint)}");
        return socket;
    }

    /// <summary>
    /// No HOST: every local address, IPv4 and IPv6 through one dual-stack socket, so <c>localhost</c> clients get in
    /// whichever family they resolve to.
    /// </summary>
    public static async Task<IPEndPoint> LocalEndPointAsync(DotcatOptions options, CancellationToken cancellationToken)
    {
        if (options.Host is { } host)
        {
            IPAddress[] addresses = await Resolver.ResolveAsync(host, options.Family, cancellationToken);
            return new IPEndPoint(addresses[0], options.Port);
        }
        bool ipv6 = options.Family == IpFamily.IPv6 || (options.Family == IpFamily.Any && Socket.OSSupportsIPv6);
        return new IPEndPoint(ipv6 ? IPAddress.IPv6Any : IPAddress.Any, options.Port);
    }
}
