using System.Runtime.CompilerServices;
using Dotcat.Relay;

namespace Dotcat.Tls;

/// <summary>
/// The connection under the <see cref="System.Net.Security.SslStream"/>, passed through untouched (the caller's buffers
/// go straight to the socket), watched for two things TLS itself hides: the first bytes the peer sent (a peer that
/// answers in plain text is named as such) and whether the connection itself ended (an EOF the TLS layer reports
/// without a close_notify before it). It also keeps the session's turn at OpenSSL (see <see cref="TakeTurnAsync"/>).
/// </summary>
internal sealed class WatchedStream(Stream inner) : ForwardingStream(inner)
{
    private const int FirstBytesKept = 24;
    private readonly byte[] _first = new byte[FirstBytesKept];
    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _firstCount;
    private bool _readerHasTurn;

    /// <summary>Up to the first 24 bytes the peer sent.</summary>
    public ReadOnlySpan<byte> FirstBytes => _first.AsSpan(0, _firstCount);

    /// <summary>True once a read of the connection found its end (the peer's FIN).</summary>
    public bool SawEnd { get; private set; }

    /// <summary>
    /// OpenSSL's state for a session must not be used by two threads at once, yet .NET lets a close_notify
    /// (<c>SslStream.ShutdownAsync</c>) run while a read decrypts: a race that showed as "bad record mac", "wrong version
    /// number" or SSL_ERROR_SYSCALL on the peer's data, 3 runs in 100 of a listener whose stdin ended while its client
    /// streamed. So the session's reader holds the turn while it works on what it received (and gives it up while it
    /// waits on the socket), and a close_notify takes the turn first. Writes need none: .NET keeps them apart from reads.
    /// </summary>
    public Task TakeTurnAsync(CancellationToken cancellationToken = default) => _turn.WaitAsync(cancellationToken);

    public void GiveTurn() => _turn.Release();

    /// <summary>Around each of the session's reads: the turn is the reader's, except while it waits on the socket.</summary>
    public async ValueTask BeginSessionReadAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        _readerHasTurn = true;
    }

    public void EndSessionRead()
    {
        _readerHasTurn = false;
        _turn.Release();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readerHasTurn)
            return ReadOffTurn(buffer, cancellationToken);
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadOffTurn(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _turn.Release();
        int count;
        try
        {
            count = await Inner.ReadAsync(buffer, cancellationToken);
        }
        finally
        {
            // Not cancellable: the reader goes back to OpenSSL holding the turn, and gives it up in EndSessionRead.
            await _turn.WaitAsync(CancellationToken.None);
        }
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
