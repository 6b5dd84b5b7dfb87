using Dotcat.Relay;

namespace Dotcat.Tls;

/// <summary>
/// A <see cref="Duplex"/> as the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> needs, for a
/// connection that is not a bare socket (a proxy's tunnel, say). A socket goes to SslStream directly instead.
/// </summary>
internal sealed class DuplexStream(Duplex duplex) : StreamAdapter
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        duplex.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        duplex.WriteAsync(buffer, cancellationToken);

    /// <summary>The half-close under close_notify: the duplex's own (for a socket, a synchronous shutdown).</summary>
    public void CompleteWrites() => duplex.CompleteWritesAsync().AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        await duplex.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            duplex.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
