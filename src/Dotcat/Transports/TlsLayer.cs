using System.Diagnostics;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Text;
using Dotcat.Tls;

namespace Dotcat.Transports;

/// <summary>
/// <c>--ssl</c> as the run's <see cref="ConnectionWrapper"/>: each connection's handshake, as a client or as the
/// listener, before any service sees it. The settings (and a listener's throwaway certificate) are made once, here.
/// </summary>
internal static class TlsLayer
{
    /// <summary>The wrapper for <paramref name="options"/>, or null when the run has no TLS.</summary>
    public static ConnectionWrapper? For(DotcatOptions options, Log log) =>
        options.Tls is not { } tls ? null
        : options.Mode == Mode.Listen ? Listener(options, tls, log)
        : Client(options, tls, log);

    /// <summary>
    /// The handshake comes after the connect, within the same <c>-w</c> budget: the wrapper is made before connecting
    /// and the time the connect took is spent.
    /// </summary>
    private static ConnectionWrapper Client(DotcatOptions options, TlsOptions tls, Log log)
    {
        var settings = new TlsClientSettings(
            ServerName: tls.ServerName ?? ((Endpoint.Ip)options.Endpoint).Host!,
            Trust: tls.PinnedSha256 is not null ? TlsTrust.Pin : tls.Insecure ? TlsTrust.Insecure : TlsTrust.Verify,
            TrustRoots: tls.TrustRoots,
            Pin: tls.PinnedSha256 is { } pin ? Fingerprint.FromHash(pin.Span) : null,
            Alpn: tls.Alpn,
            Certificate: tls.Certificate is { } own ? new TlsCertificate(own, tls.Intermediates) : null,
            Protocols: tls.Protocols);
        if (settings.Trust != TlsTrust.Verify || settings.TrustRoots is not null)
            UnusedSystemTrust.LeaveUnread();
        long started = Stopwatch.GetTimestamp();
        return async (connection, cancellationToken) =>
        {
            if (settings.Trust == TlsTrust.Insecure)
                log.Warning(TlsMessages.InsecureWarning(connection.Peer));
            TimeSpan? left = options.ConnectTimeout - Stopwatch.GetElapsedTime(started);
            return await HandshakeAsync(connection, left < TimeSpan.Zero ? TimeSpan.Zero : left, options.ConnectTimeout, log,
                (stream, shutdown, token) => TlsConnector.ClientAsync(stream, shutdown, connection.Peer, settings, token), cancellationToken);
        };
    }

    /// <summary>A throwaway certificate, when none is given, made once per listener; each client's handshake within <c>-w</c>.</summary>
    private static ConnectionWrapper Listener(DotcatOptions options, TlsOptions tls, Log log)
    {
        TlsCertificate certificate;
        if (tls.Certificate is { } given)
        {
            certificate = new TlsCertificate(given, tls.Intermediates);
        }
        else
        {
            certificate = SelfSignedCertificate.Create((options.Endpoint as Endpoint.Ip)?.Host);
            log.Info(TlsMessages.SelfSigned(certificate));
        }
        var settings = new TlsServerSettings(certificate, tls.VerifyClient ? tls.TrustRoots : null, tls.Alpn, tls.Protocols);
        if (settings.ClientRoots is not null)
            UnusedSystemTrust.LeaveUnread();
        return (connection, cancellationToken) => new(HandshakeAsync(connection, options.ConnectTimeout, options.ConnectTimeout, log,
            (stream, shutdown, token) => TlsConnector.ServerAsync(stream, shutdown, connection.Peer, settings, token), cancellationToken));
    }

    private delegate Task<TlsDuplex> Handshake(Stream connection, Action shutdownSend, CancellationToken cancellationToken);

    private static async Task<Connection> HandshakeAsync(
        Connection connection, TimeSpan? limit, TimeSpan? wait, Log log, Handshake handshake, CancellationToken cancellationToken)
    {
        // A socket goes to SslStream as it is (no layer between); anything else through its duplex.
        (Stream stream, Action shutdown) = connection.Duplex is SocketDuplex plain
            ? (new System.Net.Sockets.NetworkStream(plain.Socket, ownsSocket: true), () => ShutdownSend(plain))
            : WrapDuplex(connection.Duplex);
        using CancellationTokenSource deadline = Deadline.After(limit, cancellationToken);
        TlsDuplex tls;
        try
        {
            tls = await handshake(stream, shutdown, deadline.Token);
        }
        catch (Exception e) when (Deadline.Expired(e, cancellationToken))
        {
            throw new TlsException(connection.Peer, $"no TLS handshake within {TimeValue.Format(wait!.Value)} (-w)", e);
        }
        log.Info(tls.Session.Describe());
        tls.Log = log;
        return connection.With(tls);
    }

    private static (Stream, Action) WrapDuplex(Duplex duplex)
    {
        var stream = new DuplexStream(duplex);
        return (stream, stream.CompleteWrites);
    }

    private static void ShutdownSend(SocketDuplex socket) => socket.CompleteWritesAsync().AsTask().GetAwaiter().GetResult();
}
