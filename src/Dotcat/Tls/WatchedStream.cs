using System.Runtime.CompilerServices;
using Dotcat.Relay;

namespace Dotcat.Tls;

/// <summary>
/// The connection under the <see cref="System.Net.Security.SslStream"/>, passed through untouched (the caller's buffers
/// go straight to the socket), watched for two things TLS itself hides: the first bytes the peer sent (a peer that
/// answers in plain text is named as such) and whether the connection itself ended (an EOF the TLS layer reports
/// without a close_notify before it).
/// </summary>
internal sealed class WatchedStream(Stream inner) : ForwardingStream(inner)
{
    private const int FirstBytesKept = 24;
    private readonly byte[] _first = new byte[FirstBytesKept];
    private int _firstCount;

    /// <summary>Up to the first 24 bytes the peer sent.</summary>
    public ReadOnlySpan<byte> FirstBytes => _first.AsSpan(0, _firstCount);

    /// <summary>True once a read of the connection found its end (the peer's FIN).</summary>
    public bool SawEnd { get; private set; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read = Inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully)
            return Watch(read, buffer);
        Saw(buffer.Span, read.Result);
        return read;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> Watch(ValueTask<int> pending, Memory<byte> buffer)
    {
        int count = await pending;
        Saw(buffer.Span, count);
        return count;
    }

    private void Saw(ReadOnlySpan<byte> buffer, int count)
    {
        if (count == 0 && !buffer.IsEmpty)
            SawEnd = true;
        if (_firstCount < FirstBytesKept && count > 0)
        {
            int kept = Math.Min(count, FirstBytesKept - _firstCount);
            buffer[..kept].CopyTo(_first.AsSpan(_firstCount));
            _firstCount += kept;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        int read = Inner.Read(buffer);
        Saw(buffer, read);
        return read;
    }
}
