using System.Net;
using System.Net.Sockets;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Transports;

/// <summary>
/// One conversation with one peer, however it was opened or accepted: its bytes as a <see cref="Duplex"/>, who is at
/// each end, and over what. Services (relay, exec, responders, the broker) see only this, never a socket, so a
/// connection that is not a plain socket (TLS, a proxied one) serves them all the same.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    // Socket-backed connections read their addresses from the socket when asked: a responder's idle client costs
    // nothing for them.
    private readonly Socket? _socket;
    private readonly EndPoint? _local;
    private readonly EndPoint? _remote;
    private string? _peer;

    public Connection(Duplex duplex, Protocol protocol, EndPoint? local, EndPoint? remote, string? peer = null)
    {
        Duplex = duplex;
        Protocol = protocol;
        _local = local;
        _remote = remote;
        _peer = peer;
    }

    private Connection(Duplex duplex, Protocol protocol, Socket? socket, EndPoint? local, EndPoint? remote, string? peer, bool canSend)
        : this(duplex, protocol, local, remote, peer)
    {
        _socket = socket;
        CanSend = canSend;
    }

    /// <summary>A connection whose addresses are those of <paramref name="socket"/> (owned by <paramref name="duplex"/>).</summary>
    public static Connection OverSocket(Socket socket, Duplex duplex, Protocol protocol, string? peer = null, EndPoint? remote = null, bool canSend = true) =>
        new(duplex, protocol, socket, null, remote, peer, canSend);

    public Duplex Duplex { get; }

    public Protocol Protocol { get; }

    public EndPoint? LocalEndPoint => _local ?? _socket?.LocalEndPoint;

    public EndPoint? RemoteEndPoint => _remote ?? _socket?.RemoteEndPoint;

    /// <summary>How messages name the peer: <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, a socket path.</summary>
    public string Peer => _peer ??= Endpoints.Format(RemoteEndPoint);

    /// <summary>False for a Unix datagram peer that bound no address: it can be heard, but nothing reaches it.</summary>
    public bool CanSend { get; } = true;

    /// <summary>
    /// The same peer with its bytes passing through <paramref name="duplex"/>, which now owns this connection's
    /// duplex (TLS: an <c>SslStream</c> over <see cref="Duplex"/>). See <see cref="ConnectionLayers"/>.
    /// </summary>
    public Connection With(Duplex duplex) => new(duplex, Protocol, _socket, _local, _remote, _peer, CanSend);

    public ValueTask DisposeAsync() => Duplex.DisposeAsync();
}
