using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Transports;

/// <summary>
/// A bound datagram socket whose peers are accepted one by one, as a stream listener's clients are (<c>-lu -k -e</c>,
/// a process per peer, as ncat 7.94+): the first datagram from a new sender address is a new connection; what that
/// sender sends next reaches its connection only, and what the connection writes goes back to that sender. A
/// connection that ends (its process exited) forgets its peer, so the peer's next datagram is a new connection.
/// The socket's one receive loop runs inside <see cref="AcceptAsync"/>, which the <see cref="AcceptLoop"/> calls
/// without pause.
/// </summary>
/// <remarks>
/// The port has already judged each sender by the access list (<paramref name="admit"/>, asked once per new peer), so
/// the accept loop needs no filter of its own: <see cref="Judged"/>.
/// </remarks>
internal sealed class DatagramPeers(Socket socket, Protocol protocol, int maxDatagram, Func<EndPoint, bool>? admit, Log log) : IAcceptor
{
    /// <summary>Refused senders remembered so each is judged (and logged) once; past this many, the memory starts over.</summary>
    private const int MaxRemembered = 4096;

    private readonly Dictionary<SocketAddress, PeerDatagramDuplex> _peers = [];
    private readonly HashSet<SocketAddress> _refused = [];
    private readonly byte[] _buffer = new byte[Math.Max(maxDatagram, Datagrams.MaxUdp) + 1];
    private bool _unnamedReported;

    /// <summary>The filter for an accept loop over these peers: every sender has been judged already.</summary>
    public static ConnectionFilter Judged { get; } = static (_, _) => ValueTask.FromResult(true);

    public async Task<Connection> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var from = new SocketAddress(socket.AddressFamily);
            int read;
            try
            {
                read = await socket.ReceiveFromAsync(_buffer, SocketFlags.None, from, cancellationToken);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // An ICMP error for a datagram sent to one peer (it is gone), or an oversized datagram: the others go on.
                continue;
            }

            PeerDatagramDuplex? known;
            lock (_peers)
                _peers.TryGetValue(from, out known);
            if (known is not null)
            {
                known.Deliver(_buffer.AsSpan(0, read));
                continue;
            }
            if (NewPeer(from) is not { } sender)
                continue;

            var peer = new PeerDatagramDuplex(socket, from, maxDatagram, Forget);
            peer.Deliver(_buffer.AsSpan(0, read));
            lock (_peers)
                _peers[from] = peer;
            return new Connection(peer, protocol, socket.LocalEndPoint, sender);
        }
    }

    /// <summary>The sender as an address to serve, or null when it is not served (refused, or unable to be answered).</summary>
    private EndPoint? NewPeer(SocketAddress from)
    {
        if (_refused.Contains(from))
            return null;
        EndPoint sender = socket.LocalEndPoint!.Create(from);
        if (admit is not null && !admit(sender))
        {
            if (_refused.Count >= MaxRemembered)
                _refused.Clear();
            _refused.Add(from);
            return null;
        }
        if (UnixSockets.IsUnnamed(sender))
        {
            // A process per peer needs a peer to answer; a Unix datagram client that bound no address is none.
            if (!_unnamedReported)
                log.Warning("datagrams from a peer with no address of its own are dropped: a process per peer needs an address to answer");
            _unnamedReported = true;
            return null;
        }
        return sender;
    }

    private void Forget(PeerDatagramDuplex peer)
    {
        lock (_peers)
        {
            if (_peers.TryGetValue(peer.Peer, out PeerDatagramDuplex? current) && current == peer)
                _peers.Remove(peer.Peer);
        }
        if (peer.Dropped > 0)
            log.Warning($"{Endpoints.Format(socket.LocalEndPoint!.Create(peer.Peer))}: {peer.Dropped} datagrams dropped (its process did not read them in time)");
    }

    public void Dispose() => socket.Dispose();
}
