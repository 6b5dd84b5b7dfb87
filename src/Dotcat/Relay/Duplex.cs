namespace Dotcat.Relay;

/// <summary>
/// A byte channel both ways whose sending side can end on its own: the socket, stdin/stdout, a responder's peer.
/// The relay only ever talks to this, so every transport and every local end plugs into the same ending rules.
/// </summary>
internal abstract class Duplex : IAsyncDisposable
{
    /// <summary>Reads what the other end sent; 0 means it will send no more (EOF).</summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends all of <paramref name="data"/> (for datagrams: as one datagram).</summary>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when a read would not wait (data or EOF has arrived), without taking a buffer: a server with many idle
    /// clients borrows read buffers only while data flows. Ends at once where it cannot tell.
    /// </summary>
    public virtual ValueTask WaitForInputAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Tells the other end no more data follows (TCP FIN) while reading goes on.</summary>
    public abstract ValueTask CompleteWritesAsync();

    public abstract ValueTask DisposeAsync();
}
