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
            return ReceiveAsync(buffer, cancellationToken);
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
            await ReceiveAsync(Memory<byte>.Empty, cancellationToken);
    }

    /// <summary>
    /// What is there now (data, EOF or a reset) without waiting, and only then the runtime's wait. A failure that is
    /// already there must not reach <see cref="Socket.ReceiveAsync(Memory{byte}, SocketFlags, CancellationToken)"/>:
    /// an error it gets at once becomes an exception whose stack trace it formats on the spot, which on the JIT build
    /// loads System.Diagnostics.StackTrace, System.Reflection.Metadata and dotcat.pdb for good (+11 descriptors and
    /// 12-17 MiB in a <c>-lk</c> listener after its first reset). Here the error is a code, made a plain exception.
    /// </summary>
    private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<int>(cancellationToken);
        MakeNonBlocking();
        int read = Socket.Receive(buffer.Span, SocketFlags.None, out SocketError error);
        return error switch
        {
            SocketError.Success => ValueTask.FromResult(read),
            SocketError.WouldBlock => Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken),
            _ => ValueTask.FromException<int>(new SocketException((int)error)),
        };
    }

    /// <summary>
    /// The calls above and in <see cref="WriteAsync"/> return at once instead of waiting. Set at the first of them, not
    /// when made: a <see cref="NetworkStream"/> (TLS, the proxy handshakes) needs the socket in blocking mode when it
    /// is made. Only .NET's flag for its own synchronous calls changes; the descriptor is non-blocking either way.
    /// </summary>
    private void MakeNonBlocking()
    {
        if (Socket.Blocking)
            Socket.Blocking = false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // As ReceiveAsync: what the kernel takes now, or its error as a code (a reset, EPIPE after one); the runtime's
        // send only for what has to wait for room.
        while (!data.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MakeNonBlocking();
            int sent = Socket.Send(data.Span, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
                sent = await Socket.SendAsync(data, SocketFlags.None, cancellationToken);
            else if (error != SocketError.Success)
                throw new SocketException((int)error);
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
