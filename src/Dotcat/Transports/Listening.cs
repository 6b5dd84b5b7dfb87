using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Transports;

/// <summary>Listen mode's socket: bound, listening, and reported with its real address only once it is ready.</summary>
internal static class Listening
{
    private const int Backlog = 512;

    /// <summary>
    /// UDP has no flow control: what arrives while the receive buffer is full is lost. A larger buffer absorbs a fast
    /// sender's bursts (the kernel caps it at net.core.rmem_max).
    /// </summary>
    private const int DatagramReceiveBuffer = 2 * 1024 * 1024;

    /// <summary>A listening TCP or Unix stream socket.</summary>
    public static async Task<StreamListener> ListenStreamAsync(DotcatOptions options, Log log, CancellationToken cancellationToken) =>
        new(await BindAsync(options, SocketType.Stream, log, cancellationToken), options.Endpoint.Protocol);

    /// <summary>A bound UDP or Unix datagram socket, waiting for its first datagram.</summary>
    public static async Task<DatagramPort> BindDatagramAsync(DotcatOptions options, Log log, CancellationToken cancellationToken) =>
        new(await BindAsync(options, SocketType.Dgram, log, cancellationToken), options.Endpoint.Protocol, AccessFilter.Predicate(options, log));

    private static async Task<Socket> BindAsync(DotcatOptions options, SocketType type, Log log, CancellationToken cancellationToken)
    {
        if (options.Endpoint is Endpoint.Unix unix)
        {
            Socket unixSocket = await UnixSockets.ListenAsync(unix.Path, type, options.ReuseAddress);
            log.Info($"listening on {unix.Path}");
            return unixSocket;
        }

        var ip = (Endpoint.Ip)options.Endpoint;
        IPEndPoint endPoint = await LocalEndPointAsync(ip, options.Family, cancellationToken);
        var socket = new Socket(endPoint.AddressFamily, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
                socket.DualMode = ip.Host is null && options.Family == IpFamily.Any;
            SocketOptions.ApplyReuse(socket, options.ReuseAddress, options.ReusePort);
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
    public static async Task<IPEndPoint> LocalEndPointAsync(Endpoint.Ip endpoint, IpFamily family, CancellationToken cancellationToken)
    {
        if (endpoint.Host is { } host)
        {
            IPAddress[] addresses = await Resolver.ResolveAsync(host, family, cancellationToken);
            return new IPEndPoint(addresses[0], endpoint.Port);
        }
        bool ipv6 = family == IpFamily.IPv6 || (family == IpFamily.Any && Socket.OSSupportsIPv6);
        return new IPEndPoint(ipv6 ? IPAddress.IPv6Any : IPAddress.Any, endpoint.Port);
    }
}

/// <summary>Where an <see cref="AcceptLoop"/> takes its clients from; disposing it stops listening.</summary>
internal interface IAcceptor : IDisposable
{
    Task<Connection> AcceptAsync(CancellationToken cancellationToken);
}

/// <summary>A listening stream socket (TCP, Unix stream): each accepted client is a <see cref="Connection"/>.</summary>
internal sealed class StreamListener(Socket socket, Protocol protocol) : IAcceptor
{
    /// <summary>The bound address (the real port when 0 was asked for).</summary>
    public EndPoint? LocalEndPoint => socket.LocalEndPoint;

    public async Task<Connection> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket client = await socket.AcceptAsync(cancellationToken);
        if (protocol == Protocol.Tcp)
            client.NoDelay = true;
        return Connection.OverSocket(client, new SocketDuplex(client), protocol);
    }

    /// <summary>Stops listening: a client that comes now is refused instead of waiting unanswered.</summary>
    public void Dispose() => socket.Dispose();
}

/// <summary>
/// A bound datagram socket (UDP, Unix datagram), served one of four ways: as a connection to the first peer that
/// speaks, as one connection with every peer, as a connection per peer, or datagram by datagram (<see cref="ReceiveAsync"/>, <see cref="ReplyAsync"/>).
/// A datagram from a sender <paramref name="admit"/> refuses (access control) is dropped, whichever way.
/// </summary>
internal sealed class DatagramPort(Socket socket, Protocol protocol, Func<EndPoint, bool>? admit = null) : IDisposable
{
    private bool _handedOver;

    /// <summary>The bound address (the real port when 0 was asked for).</summary>
    public EndPoint? LocalEndPoint => socket.LocalEndPoint;

    public int MaxDatagram { get; } = Datagrams.MaxSize(protocol);

    /// <summary>
    /// Without <c>-k</c>, the first peer to send is the only one answered, as in every netcat: its datagram is read,
    /// the socket is connected to it, and the connection (which owns the socket from now on) starts with that datagram.
    /// </summary>
    public async Task<Connection> FirstPeerAsync(Log log, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(MaxDatagram, Datagrams.MaxUdp) + 1];
        var from = new SocketAddress(socket.AddressFamily);
        int read;
        EndPoint sender;
        do
        {
            read = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, cancellationToken);
            sender = socket.LocalEndPoint!.Create(from);
        }
        while (admit is not null && !admit(sender));
        log.Info($"connection from {Endpoints.Format(sender)}");

        // A Unix datagram client that bound no address can be heard but not answered.
        bool canReply = !UnixSockets.IsUnnamed(sender);
        if (canReply)
            await socket.ConnectAsync(sender, cancellationToken);
        else
            log.Warning("the peer has no address of its own, so nothing can be sent back to it");
        _handedOver = true;
        var duplex = new DatagramDuplex(socket, MaxDatagram, buffer.AsMemory(0, read), peerOnly: from);
        return Connection.OverSocket(socket, duplex, protocol, remote: sender, canSend: canReply);
    }

    /// <summary>
    /// With <c>-k</c>, every peer is heard, and what is sent goes to the peer that spoke last; <c>-v</c> names each
    /// new peer. The connection owns the socket from now on.
    /// </summary>
    public Connection AllPeers(Log log)
    {
        _handedOver = true;
        var duplex = new MultiPeerDatagramDuplex(socket, MaxDatagram, from => log.Info($"connection from {Endpoints.Format(from)}"), admit);
        return Connection.OverSocket(socket, duplex, protocol, peer: Endpoints.Format(socket.LocalEndPoint));
    }

    /// <summary>
    /// With <c>-k</c> and <c>-e</c>/<c>-c</c>, each peer is a connection of its own (a process per peer), accepted
    /// as a stream listener's clients are. The peers own the socket from now on.
    /// </summary>
    public DatagramPeers EachPeer(Log log)
    {
        _handedOver = true;
        return new DatagramPeers(socket, protocol, MaxDatagram, admit, log);
    }

    /// <summary>The next datagram and its sender; ICMP errors for earlier replies and oversized datagrams are skipped.</summary>
    public async Task<(int Length, EndPoint Sender)> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        EndPoint anySender = socket.LocalEndPoint!;
        while (true)
        {
            try
            {
                SocketReceiveFromResult received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, anySender, cancellationToken);
                if (admit is null || admit(received.RemoteEndPoint))
                    return (received.ReceivedBytes, received.RemoteEndPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // An ICMP error for an earlier answer (that peer is gone), or an oversized datagram: serve the next one.
            }
        }
    }

    /// <summary>Sends one datagram to <paramref name="peer"/>: null once sent, else why it could not go.</summary>
    public async Task<string?> ReplyAsync(ReadOnlyMemory<byte> datagram, EndPoint peer, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendToAsync(datagram, SocketFlags.None, peer, cancellationToken);
            return null;
        }
        catch (SocketException e)
        {
            // A sender with no address to answer (an unbound Unix datagram client), or one gone meanwhile.
            return SocketErrors.Describe(e.SocketErrorCode);
        }
    }

    public void Dispose()
    {
        if (!_handedOver)
            socket.Dispose();
    }
}
