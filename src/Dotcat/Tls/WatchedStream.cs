using System.Runtime.CompilerServices;
using Dotcat.Relay;

namespace Dotcat.Tls;

/// <summary>
/// The connection under the <see cref="System.Net.Security.SslStream"/>. Reads are taken ahead (see
/// <see cref="Buffered"/>) and a bulk write's records are sent together (see <see cref="GatherWrites"/>). Reads are
/// watched for two things TLS itself hides: the first bytes the peer sent (a peer that answers in plain text is named
/// as such) and whether the connection itself ended (an EOF the TLS layer reports without a close_notify before it).
/// It also keeps the session's turn at OpenSSL (see <see cref="TakeTurnAsync"/>).
/// </summary>
internal sealed class WatchedStream(Stream inner) : ForwardingStream(inner)
{
    private const int FirstBytesKept = 24;
    private const int ReadAheadSize = 128 * 1024, GatherSize = 256 * 1024;

    // Pools of their own, shared by every thread, for the reason ReadBuffer gives (the shared one caches per thread).
    private static readonly BufferPool s_aheadPool = new(keptPerSize: 8);
    private static readonly BufferPool s_gatherPool = new(keptPerSize: 8);

    private readonly byte[] _first = new byte[FirstBytesKept];
    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _firstCount;
    private bool _readerHasTurn;
    private byte[]? _ahead;
    private int _aheadStart, _aheadEnd;
    private byte[]? _gather;
    private int _gathered;

    /// <summary>Up to the first 24 bytes the peer sent.</summary>
    public ReadOnlySpan<byte> FirstBytes => _first.AsSpan(0, _firstCount);

    /// <summary>True once a read of the connection found its end (the peer's FIN).</summary>
    public bool SawEnd { get; private set; }

    /// <summary>
    /// OpenSSL's state for a session must not be used by two threads at once, yet .NET lets a close_notify
    /// (<c>SslStream.ShutdownAsync</c>) run while a read decrypts: a race that showed as "bad record mac", "wrong version
    /// number" or SSL_ERROR_SYSCALL on the peer's data, 3 runs in 100 of a listener whose stdin ended while its client
    /// streamed. So the session's reader holds the turn while it works on what it received (and gives it up while it
    /// waits on the socket), and a close_notify takes the turn first. Data writes take none: SslStream is made for one
    /// read and one write at once, and those never met in any of the runs that broke.
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

    /// <summary>
    /// Bytes read from the connection that SslStream has not taken yet. SslStream asks for one record's room at a time
    /// (16 KiB and a little), which cut a bulk transfer into two receives per record; reading ahead takes what the
    /// socket has, up to 128 KiB, in one. The buffer is borrowed while it holds data and given back once drained, so
    /// an idle session holds none.
    /// </summary>
    public int Buffered => _aheadEnd - _aheadStart;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Buffered > 0)
            return new(TakeBuffered(buffer.Span));
        if (buffer.IsEmpty)
            return WaitForInputAsync(cancellationToken);
        return ReadAheadAsync(buffer, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadAheadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        byte[] ahead = _ahead ??= s_aheadPool.Rent(ReadAheadSize);
        int count = await ReadOffTurnAsync(ahead, cancellationToken);
        Saw(ahead, count);
        (_aheadStart, _aheadEnd) = (0, count);
        return TakeBuffered(buffer.Span);
    }

    /// <summary>A zero-byte read: it waits for the socket to have data, and holds no buffer meanwhile.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitForInputAsync(CancellationToken cancellationToken) =>
        await ReadOffTurnAsync(Memory<byte>.Empty, cancellationToken);

    /// <summary>The socket read, without the turn while it waits (the reader takes it back, uncancellably, after).</summary>
    private async ValueTask<int> ReadOffTurnAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_readerHasTurn)
            return await Inner.ReadAsync(buffer, cancellationToken);
        _turn.Release();
        try
        {
            return await Inner.ReadAsync(buffer, cancellationToken);
        }
        finally
        {
            await _turn.WaitAsync(CancellationToken.None);
        }
    }

    private int TakeBuffered(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, Buffered);
        if (_ahead is null)
            return 0;
        _ahead.AsSpan(_aheadStart, count).CopyTo(destination);
        _aheadStart += count;
        if (_aheadStart == _aheadEnd)
        {
            s_aheadPool.Return(_ahead);
            (_ahead, _aheadStart, _aheadEnd) = (null, 0, 0);
        }
        return count;
    }

    /// <summary>
    /// Between this and <see cref="SendGatheredAsync"/>, the records SslStream writes are gathered (up to 256 KiB) and
    /// sent together: it writes two 16 KiB records per send, a system call per 32 KiB of a bulk upload otherwise.
    /// </summary>
    public void GatherWrites() => _gather ??= s_gatherPool.Rent(GatherSize);

    /// <summary>Sends what was gathered and stops gathering; after a failure, <see cref="DropGathered"/> instead.</summary>
    public async ValueTask SendGatheredAsync(CancellationToken cancellationToken)
    {
        if (_gather is { } gathered && _gathered > 0)
            await Inner.WriteAsync(gathered.AsMemory(0, _gathered), cancellationToken);
        DropGathered();
    }

    public void DropGathered()
    {
        if (_gather is { } gathered)
            s_gatherPool.Return(gathered);
        (_gather, _gathered) = (null, 0);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_gather is not { } gather)
            return Inner.WriteAsync(buffer, cancellationToken);
        if (_gathered + buffer.Length <= gather.Length)
        {
            buffer.Span.CopyTo(gather.AsSpan(_gathered));
            _gathered += buffer.Length;
            return default;
        }
        return SendThenGatherAsync(buffer, cancellationToken);
    }

    private async ValueTask SendThenGatherAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        byte[] gather = _gather!;
        await Inner.WriteAsync(gather.AsMemory(0, _gathered), cancellationToken);
        _gathered = 0;
        if (buffer.Length > gather.Length)
        {
            await Inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        buffer.Span.CopyTo(gather);
        _gathered = buffer.Length;
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
        if (Buffered > 0)
            return TakeBuffered(buffer);
        int read = Inner.Read(buffer);
        Saw(buffer, read);
        return read;
    }
}
