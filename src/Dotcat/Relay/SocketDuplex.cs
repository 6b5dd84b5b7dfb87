using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Dotcat.Relay;

/// <summary>
/// A connected stream socket (TCP or Unix stream); half-close is <c>shutdown(SHUT_WR)</c>. <paramref name="received"/>
/// are the peer's bytes already read off the socket (what a proxy sent after its reply), read before the socket's.
/// </summary>
internal sealed class SocketDuplex(Socket socket, ReadOnlyMemory<byte> received = default) : Duplex
{
    private ReadOnlyMemory<byte> _received = received;

    public Socket Socket { get; } = socket;

    /// <summary>Bytes of the peer already taken off <see cref="Socket"/> and not read yet (a stream over the socket must replay them first).</summary>
    public ReadOnlyMemory<byte> Received => _received;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_received.IsEmpty || buffer.IsEmpty)
            return Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        int count = Math.Min(buffer.Length, _received.Length);
        _received.Span[..count].CopyTo(buffer.Span);
        _received = _received[count..];
        return ValueTask.FromResult(count);
    }

    /// <summary>A zero-byte receive: the kernel tells when data (or EOF) is there, and no buffer waits meanwhile.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WaitForInputAsync(CancellationToken cancellationToken)
    {
        if (_received.IsEmpty)
            await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await Socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    public override ValueTask CompleteWritesAsync()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer is already gone; the reading side reports how the session ended.
        }
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
