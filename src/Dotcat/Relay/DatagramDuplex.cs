using System.Net;
using System.Net.Sockets;

namespace Dotcat.Relay;

/// <summary>
/// A datagram socket talking to one peer (UDP, Unix datagram) as a byte channel: one read is one datagram, one write
/// becomes as many datagrams as it takes. Datagrams have no EOF, so reads never return 0 and half-close does nothing:
/// the relay's <c>-q</c> and <c>-i</c> timers are what end such a session.
/// </summary>
internal sealed class DatagramDuplex : Duplex
{
    private readonly Socket _socket;
    private readonly int _maxDatagram;
    private readonly SocketAddress? _peerOnly;
    private readonly IDisposable? _owned;
    private readonly CancellationTokenSource _failed = new();
    private readonly SocketAddress? _from;
    private readonly int _fromCapacity;
    private ReadOnlyMemory<byte> _first;
    private SocketException? _failure;
    private CancellationToken _linkedFor;
    private CancellationTokenSource? _linked;

    /// <param name="socket">A connected datagram socket.</param>
    /// <param name="maxDatagram">The largest datagram to send; longer writes are split, never truncated.</param>
    /// <param name="first">A datagram already received (a listener's first), read before anything else.</param>
    /// <param name="peerOnly">Drop datagrams from anyone else (those that queued before the socket was connected).</param>
    /// <param name="owned">Disposed with the socket (a client's temporary address).</param>
    public DatagramDuplex(Socket socket, int maxDatagram, ReadOnlyMemory<byte> first = default, SocketAddress? peerOnly = null, IDisposable? owned = null)
    {
        _socket = socket;
        _maxDatagram = maxDatagram;
        _first = first;
        _peerOnly = peerOnly;
        _from = peerOnly is null ? null : new SocketAddress(peerOnly.Family);
        _fromCapacity = _from?.Size ?? 0;
        _owned = owned;
    }

    public Socket Socket => _socket;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_first.IsEmpty)
        {
            int count = Math.Min(buffer.Length, _first.Length);
            _first[..count].CopyTo(buffer);
            _first = _first[count..];
            return count;
        }

        CancellationToken either = LinkedWithFailure(cancellationToken);
        try
        {
            int total;
            do
            {
                total = _from is null
                    ? await _socket.ReceiveAsync(buffer, SocketFlags.None, either)
                    : await _socket.ReceiveFromAsync(buffer, SocketFlags.None, NextFrom(), either);
            }
            // An empty datagram carries nothing for stdout, and 0 would read as EOF.
            while (total == 0 || !FromThePeer());

            // stdout keeps no datagram boundaries, so datagrams already waiting join this read: one write for many,
            // which is what keeps a listener up with a fast sender. Available is at least the next datagram's size.
            while (_socket.Available is > 0 and int next && next <= buffer.Length - total)
            {
                Span<byte> rest = buffer.Span[total..];
                int read = _from is null ? _socket.Receive(rest, SocketFlags.None) : _socket.ReceiveFrom(rest, SocketFlags.None, NextFrom());
                if (FromThePeer())
                    total += read;
            }
            return total;
        }
        catch (OperationCanceledException) when (_failure is not null && !cancellationToken.IsCancellationRequested)
        {
            throw _failure;
        }
        catch (SocketException e)
        {
            throw Normalize(e);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            while (!data.IsEmpty)
            {
                ReadOnlyMemory<byte> datagram = data[..Math.Min(data.Length, _maxDatagram)];
                await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken);
                data = data[datagram.Length..];
            }
        }
        catch (SocketException e)
        {
            // The error (an ICMP "port unreachable" turned into ECONNREFUSED) is reported once, to whichever call comes
            // first; the relay learns how a session ended from its reads, so hand it to the pending read.
            _failure = Normalize(e);
            await _failed.CancelAsync();
            throw _failure;
        }
    }

    private bool FromThePeer() => _from is null || _from.Equals(_peerOnly);

    /// <summary>The sender's address of the next receive: a receive shrinks it to the address it got.</summary>
    private SocketAddress NextFrom()
    {
        _from!.Size = _fromCapacity;
        return _from;
    }

    /// <summary>The caller's token joined with "a send failed"; made once per token, not once per datagram.</summary>
    private CancellationToken LinkedWithFailure(CancellationToken cancellationToken)
    {
        if (_linked is null || _linkedFor != cancellationToken)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _failed.Token);
            _linkedFor = cancellationToken;
        }
        return _linked.Token;
    }

    /// <summary>Datagrams have no EOF to send; the peer learns nothing when stdin ends.</summary>
    public override ValueTask CompleteWritesAsync() => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _owned?.Dispose();
        _failed.Dispose();
        _linked?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Windows reports an ICMP "port unreachable" on a UDP socket as a reset; it is a refusal everywhere.</summary>
    private static SocketException Normalize(SocketException e) =>
        e.SocketErrorCode == SocketError.ConnectionReset ? new SocketException((int)SocketError.ConnectionRefused) : e;
}
