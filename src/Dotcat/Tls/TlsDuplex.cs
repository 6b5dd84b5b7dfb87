using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Tls;

/// <summary>
/// A TLS session as a <see cref="Duplex"/>: the relay and every service run over it as over a plain socket. Ending
/// writes sends close_notify, then half-closes the connection underneath (its FIN), and reading goes on.
/// </summary>
internal sealed class TlsDuplex : Duplex
{
    private readonly SslStream _tls;
    private readonly WatchedStream _transport;
    private readonly Action _shutdownSend;
    private readonly string _peer;
    private readonly string? _refusalAfterHandshake;
    private static readonly TimeSpan CloseNotifyWait = TimeSpan.FromSeconds(1);

    /// <summary>The most a record holds (2^14 bytes), and the most it takes on the wire (header and AEAD expansion).</summary>
    private const int MaxRecordData = 16 * 1024, MaxRecordOnWire = 5 + MaxRecordData + 256;
    private ExceptionDispatchInfo? _deferredFailure;
    private bool _ended;
    private bool _writesCompleted;
    private bool _received;
    private bool _sent;

    internal TlsDuplex(SslStream tls, WatchedStream transport, Action shutdownSend, string peer, string? refusalAfterHandshake)
    {
        _tls = tls;
        _transport = transport;
        _shutdownSend = shutdownSend;
        _peer = peer;
        _refusalAfterHandshake = refusalAfterHandshake;
        Session = TlsSession.Of(tls);
    }

    public TlsSession Session { get; }

    /// <summary>Where the <c>-v</c> note goes when the peer ended without close_notify; null says nothing.</summary>
    public Log? Log { get; set; }

    /// <summary>
    /// True once the peer's data ended with the connection itself rather than a close_notify: what it sent is kept,
    /// but a cut in the middle could not be told from a real end (<see cref="TlsMessages.NoCloseNotify"/> at <c>-v</c>).
    /// </summary>
    public bool EndedWithoutCloseNotify { get; private set; }

    /// <summary>
    /// One read of the session, which takes every whole record the connection has already delivered (up to the
    /// buffer's size): SslStream gives one 16 KiB record per read, and a bulk transfer would otherwise be written on in
    /// 16 KiB pieces. A failure after some data was taken is kept for the next read, so that data goes out first.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_deferredFailure is { } failure)
        {
            _deferredFailure = null;
            failure.Throw();
        }
        if (_ended)
            return 0;
        await _transport.BeginSessionReadAsync(cancellationToken);
        try
        {
            int read = await ReadRecordAsync(buffer, cancellationToken);
            while (read > 0 && buffer.Length - read >= MaxRecordData && _transport.Buffered >= MaxRecordOnWire)
            {
                int more;
                try
                {
                    more = await ReadRecordAsync(buffer[read..], cancellationToken);
                }
                catch (Exception e)
                {
                    // Whatever it is (ReadRecordAsync already put it in dotcat's words), the data read so far goes out
                    // first; the next read throws it.
                    _deferredFailure = ExceptionDispatchInfo.Capture(e);
                    break;
                }
                if (more == 0)
                {
                    _ended = true;
                    break;
                }
                read += more;
            }
            return read;
        }
        finally
        {
            _transport.EndSessionRead();
        }
    }

    /// <summary>One SslStream read, its failures in dotcat's words; the caller holds the turn.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadRecordAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            int read = await _tls.ReadAsync(buffer, cancellationToken);
            if (read > 0)
                _received = true;
            else if (!buffer.IsEmpty && _transport.SawEnd)
                return EndWithoutCloseNotify(null);
            return read;
        }
        catch (IOException e) when (_transport.SawEnd || (!_received && e.InnerException is SocketException))
        {
            // The connection ended inside a TLS record (or was reset): everything before it was delivered.
            return EndWithoutCloseNotify(e);
        }
        catch (Exception e) when (e is IOException or AuthenticationException && TlsFailures.Alert(e, IsClient) is { } reason)
        {
            // TLS 1.3 finishes the client's handshake before the server checks its certificate: a refusal arrives here.
            throw new TlsException(_peer, reason, e);
        }
        catch (IOException e) when (e.InnerException is SocketException reset)
        {
            throw AsSocketError(reset);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or CryptographicException)
        {
            throw new TlsException(_peer, "a record from the peer could not be decrypted (the session is broken)", e);
        }
    }

    /// <summary>
    /// A reset under TLS is the socket's error, as it is without TLS: every service already reports that in its words
    /// (SslStream wraps it in an IOException whose text would reach the user).
    /// </summary>
    private static SocketException AsSocketError(SocketException error)
    {
        ExceptionDispatchInfo.Throw(error);
        return error;
    }

    private bool IsClient => _tls.IsServer is false;

    /// <summary>
    /// The peer's data ends with its connection. Before any data, right after the handshake, that is how .NET (and
    /// others) refuse a certificate in TLS 1.3; afterwards it is a peer that skipped close_notify, and its data stands.
    /// </summary>
    private int EndWithoutCloseNotify(IOException? error)
    {
        // A listener that has sent something was heard: its client took the certificate.
        if (!_received && _refusalAfterHandshake is { } refusal && (IsClient || !_sent))
            throw new TlsException(_peer, refusal, error);
        EndedWithoutCloseNotify = true;
        return 0;
    }

    /// <summary>
    /// A zero-byte read: SslStream hands it to the socket when it holds nothing decrypted, so an idle session holds no
    /// buffer while it waits.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WaitForInputAsync(CancellationToken cancellationToken)
    {
        await _transport.BeginSessionReadAsync(cancellationToken);
        try
        {
            _ = await _tls.ReadAsync(Memory<byte>.Empty, cancellationToken);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or CryptographicException)
        {
            // The read that follows meets the same end and reports it.
        }
        finally
        {
            _transport.EndSessionRead();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _sent = true;
        bool gather = data.Length > MaxRecordData;
        if (gather)
            _transport.GatherWrites();
        try
        {
            await _tls.WriteAsync(data, cancellationToken);
            if (gather)
                await _transport.SendGatheredAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException reset)
        {
            throw AsSocketError(reset);
        }
        catch (Exception e) when (e is IOException or CryptographicException)
        {
            throw new TlsException(_peer, "data could not be encrypted (the session is broken)", e);
        }
        finally
        {
            if (gather)
                _transport.DropGathered();
        }
    }

    public override async ValueTask CompleteWritesAsync()
    {
        if (_writesCompleted)
            return;
        _writesCompleted = true;
        await _transport.TakeTurnAsync();
        try
        {
            await _tls.ShutdownAsync();
        }
        catch (Exception e) when (IsUnsendable(e))
        {
            // The peer is already gone, or TLS cannot close now; the reading side reports how the session ended.
        }
        finally
        {
            _transport.GiveTurn();
        }
        _shutdownSend();
    }

    /// <summary>
    /// A session that ends without a half-close first (the peer left, or <c>--no-shutdown</c>) still ends with a
    /// close_notify, as a socket ends with its FIN: the peer can tell that end from a cut. A peer that reads nothing
    /// does not hold the close up for long.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (!_writesCompleted)
        {
            _writesCompleted = true;
            using var wait = new CancellationTokenSource(CloseNotifyWait);
            try
            {
                await _transport.TakeTurnAsync(wait.Token);
                try
                {
                    await _tls.ShutdownAsync().WaitAsync(wait.Token);
                }
                finally
                {
                    _transport.GiveTurn();
                }
            }
            catch (Exception e) when (IsUnsendable(e) || e is OperationCanceledException)
            {
                // Gone, or not reading: the connection closes all the same.
            }
        }
        await _tls.DisposeAsync();
        if (EndedWithoutCloseNotify)
            Log?.Info(TlsMessages.NoCloseNotify(_peer));
    }

    /// <summary>
    /// A close_notify that cannot go out: the connection is gone, or OpenSSL is inside a handshake message (a TLS 1.3
    /// session ticket or key update arriving as the session ends: "shutdown while in init", as an AuthenticationException
    /// or an IOException). Either way the connection closes all the same, and its end is reported by the reading side.
    /// </summary>
    private static bool IsUnsendable(Exception e) =>
        e is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException or AuthenticationException
            or CryptographicException;
}
