using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Dotcat.Relay;

/// <summary>A connected stream socket (TCP or Unix stream); half-close is <c>shutdown(SHUT_WR)</c>.</summary>
internal sealed class SocketDuplex(Socket socket) : Duplex
{
    public Socket Socket { get; } = socket;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>A zero-byte receive: the kernel tells when data (or EOF) is there, and no buffer waits meanwhile.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WaitForInputAsync(CancellationToken cancellationToken) =>
        await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);

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
