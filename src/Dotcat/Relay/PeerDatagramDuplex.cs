using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Dotcat.Relay;

/// <summary>
/// One peer of a datagram socket that several peers share (<c>-lu -k -e</c>), as a byte channel of its own: reads
/// take the datagrams the socket's receive loop hands it (<see cref="Deliver"/>), writes become datagrams to that
/// peer only. Datagrams have no EOF: reads never return 0 and half-close does nothing. Disposing it leaves the socket
/// open for the other peers and tells the owner (<paramref name="onClose"/>), so the peer's next datagram starts anew.
/// </summary>
internal sealed class PeerDatagramDuplex(Socket socket, SocketAddress peer, int maxDatagram, Action<PeerDatagramDuplex> onClose) : Duplex
{
    /// <summary>
    /// How much may wait for a reader that does not keep up. UDP has no flow control, and holding the socket's receive
    /// loop for one slow peer would starve the others; what arrives beyond this is dropped and counted.
    /// </summary>
    public const int MaxQueuedBytes = 256 * 1024;

    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private ReadOnlyMemory<byte> _current;
    private int _queuedBytes;
    private int _dropped;
    private int _closed;

    public SocketAddress Peer => peer;

    /// <summary>Datagrams dropped because the reader fell <see cref="MaxQueuedBytes"/> behind.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Hands one datagram received from the peer to the reader (the socket's receive loop calls this).</summary>
    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        // An empty datagram carries nothing for the reader, and a read of 0 would mean EOF.
        if (datagram.IsEmpty)
            return;
        if (Volatile.Read(ref _queuedBytes) + datagram.Length > MaxQueuedBytes)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        Interlocked.Add(ref _queuedBytes, datagram.Length);
        // False once closed: nobody is left to read it.
        _queue.Writer.TryWrite(datagram.ToArray());
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_current.IsEmpty)
        {
            byte[] next = await _queue.Reader.ReadAsync(cancellationToken);
            Interlocked.Add(ref _queuedBytes, -next.Length);
            _current = next;
        }
        int count = Math.Min(buffer.Length, _current.Length);
        _current[..count].CopyTo(buffer);
        _current = _current[count..];
        return count;
    }

    public override async ValueTask WaitForInputAsync(CancellationToken cancellationToken)
    {
        if (_current.IsEmpty)
            await _queue.Reader.WaitToReadAsync(cancellationToken);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            ReadOnlyMemory<byte> datagram = data[..Math.Min(data.Length, maxDatagram)];
            await socket.SendToAsync(datagram, SocketFlags.None, peer, cancellationToken);
            data = data[datagram.Length..];
        }
    }

    /// <summary>Datagrams have no EOF to send; the peer learns nothing when the writer is done.</summary>
    public override ValueTask CompleteWritesAsync() => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _queue.Writer.TryComplete();
            onClose(this);
        }
        return ValueTask.CompletedTask;
    }
}
