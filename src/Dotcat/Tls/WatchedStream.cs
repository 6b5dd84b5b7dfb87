using System.Runtime.CompilerServices;

namespace Dotcat.Tls;

/// <summary>
/// The connection under the <see cref="System.Net.Security.SslStream"/>, passed through untouched (the caller's buffers
/// go straight to the socket), watched for two things TLS itself hides: the first bytes the peer sent (a peer that
/// answers in plain text is named as such) and whether the connection itself ended (an EOF the TLS layer reports
/// without a close_notify before it).
/// </summary>
internal sealed class WatchedStream(Stream inner) : Stream
{
    private const int FirstBytesKept = 24;
    private readonly byte[] _first = new byte[FirstBytesKept];
    private int _firstCount;

    /// <summary>Up to the first 24 bytes the peer sent.</summary>
    public ReadOnlySpan<byte> FirstBytes => _first.AsSpan(0, _firstCount);

    /// <summary>True once a read of the connection found its end (the peer's FIN).</summary>
    public bool SawEnd { get; private set; }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read = inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully)
            return Watch(read, buffer);
        Saw(buffer, read.Result);
        return read;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> Watch(ValueTask<int> pending, Memory<byte> buffer)
    {
        int count = await pending;
        Saw(buffer, count);
        return count;
    }

    private void Saw(Memory<byte> buffer, int count)
    {
        if (count == 0 && !buffer.IsEmpty)
            SawEnd = true;
        if (_firstCount < FirstBytesKept && count > 0)
        {
            int kept = Math.Min(count, FirstBytesKept - _firstCount);
            buffer.Span[..kept].CopyTo(_first.AsSpan(_firstCount));
            _firstCount += kept;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        Saw(buffer.AsMemory(offset, count), read);
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
