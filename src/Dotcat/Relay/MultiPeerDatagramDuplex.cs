using System.Net;
using System.Net.Sockets;

namespace Dotcat.Relay;

/// <summary>
/// A keep-open (<c>-k</c>) datagram listener as one byte channel: it reads datagrams from every peer, and writes go to
/// the peer that spoke last. Writes wait until someone has spoken, so stdin is not sent into the void. A peer
/// <paramref name="admit"/> refuses (access control; asked once per new peer) is not heard: its datagrams are dropped.
/// </summary>
internal sealed class MultiPeerDatagramDuplex(Socket socket, int maxDatagram, Action<EndPoint>? onNewPeer = null, Func<EndPoint, bool>? admit = null) : Duplex
{
    /// <summary>Peers remembered for the "new peer" notice; past this many, the memory starts over.</summary>
    private const int MaxRemembered = 4096;

    private readonly HashSet<SocketAddress> _known = [];
    private readonly HashSet<SocketAddress> _refused = [];
    private readonly TaskCompletionSource _someoneSpoke = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SocketAddress? _lastPeer;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var from = new SocketAddress(socket.AddressFamily);
            int read;
            try
            {
                read = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, cancellationToken);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // One peer that went away (ICMP) is no reason to stop hearing the others.
                continue;
            }

            if (_refused.Contains(from))
                continue;
            if (!_known.Contains(from))
            {
                EndPoint peer = socket.LocalEndPoint!.Create(from);
                if (admit is not null && !admit(peer))
                {
                    if (_refused.Count >= MaxRemembered)
                        _refused.Clear();
                    _refused.Add(from);
                    continue;
                }
                if (_known.Count >= MaxRemembered)
                    _known.Clear();
                _known.Add(from);
                onNewPeer?.Invoke(peer);
            }
            Volatile.Write(ref _lastPeer, from);
            _someoneSpoke.TrySetResult();
            if (read > 0)
                return read;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _someoneSpoke.Task.WaitAsync(cancellationToken);
        SocketAddress peer = Volatile.Read(ref _lastPeer)!;
        while (!data.IsEmpty)
        {
            ReadOnlyMemory<byte> datagram = data[..Math.Min(data.Length, maxDatagram)];
            await socket.SendToAsync(datagram, SocketFlags.None, peer, cancellationToken);
            data = data[datagram.Length..];
        }
    }

    public override ValueTask CompleteWritesAsync() => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
