using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>
/// Puts TLS on a connected stream: the handshake (cancellable, so <c>-w</c> covers it), the checks the settings ask
/// for, and a <see cref="TlsDuplex"/> for the relay. A failed handshake closes the connection and throws a
/// <see cref="TlsException"/> with the one reason the user sees.
/// </summary>
internal static class TlsConnector
{
    /// <summary>
    /// OpenSSL's own order, but AES-128-GCM before AES-256-GCM: as safe for a session, and the cheaper cipher for bulk
    /// data. Only Linux lets .NET set the order (elsewhere the system's stands).
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static readonly Lazy<CipherSuitesPolicy> FastFirst = new(() => new CipherSuitesPolicy(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]));

    /// <summary>The client side over a connected TCP socket, which the returned duplex then owns.</summary>
    /// <param name="socket">A connected socket.</param>
    /// <param name="peer">How messages name the server, e.g. <c>127.0.0.1:8443</c>.</param>
    /// <param name="settings">The client's <c>--ssl-*</c> options.</param>
    /// <param name="cancellationToken">Ends the handshake (<c>-w</c>, Ctrl-C).</param>
    public static Task<TlsDuplex> ClientAsync(Socket socket, string peer, TlsClientSettings settings, CancellationToken cancellationToken) =>
        ClientAsync(new NetworkStream(socket, ownsSocket: true), ShutdownSend(socket), peer, settings, cancellationToken);

    /// <summary>The client side over any connected stream; <paramref name="shutdownSend"/> half-closes it (its FIN).</summary>
    public static async Task<TlsDuplex> ClientAsync(
        Stream connection, Action shutdownSend, string peer, TlsClientSettings settings, CancellationToken cancellationToken)
    {
        var verifier = new TlsVerifier { HasClientCertificate = settings.Certificate is not null };
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = settings.ServerName,
            EnabledSslProtocols = settings.Protocols,
            ApplicationProtocols = settings.Alpn?.ToList(),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => verifier.CheckServer(settings, certificate, chain, errors),
            ClientCertificateContext = settings.Certificate?.Context,
        };
        if (OperatingSystem.IsLinux())
            options.CipherSuitesPolicy = FastFirst.Value;
        if (settings.TrustRoots is { } roots)
            options.CertificateChainPolicy = TrustOnly(roots);
        else if (settings.Trust != TlsTrust.Verify)
            // A pin or --ssl-insecure ignores the chain: no root is trusted (and UnusedSystemTrust left the system's unread).
            options.CertificateChainPolicy = TrustOnly([]);
        if (settings.Certificate is null)
        {
            // Only to learn that the server asked for a certificate we do not have (see TlsDuplex.RefusalAfterHandshake).
            options.LocalCertificateSelectionCallback = (_, _, _, serverCertificate, _) =>
            {
                verifier.ClientCertificateRequested |= serverCertificate is not null;
                return null!;
            };
        }
        return await HandshakeAsync(connection, shutdownSend, peer, verifier, isClient: true,
            (tls, token) => tls.AuthenticateAsClientAsync(options, token), cancellationToken);
    }

    /// <summary>The listener's side over an accepted TCP socket.</summary>
    /// <param name="socket">An accepted socket.</param>
    /// <param name="peer">How messages name the client, e.g. <c>127.0.0.1:51234</c>.</param>
    /// <param name="settings">The listener's <c>--ssl-*</c> options.</param>
    /// <param name="cancellationToken">Ends the handshake (<c>-w</c>, Ctrl-C).</param>
    public static Task<TlsDuplex> ServerAsync(Socket socket, string peer, TlsServerSettings settings, CancellationToken cancellationToken) =>
        ServerAsync(new NetworkStream(socket, ownsSocket: true), ShutdownSend(socket), peer, settings, cancellationToken);

    public static async Task<TlsDuplex> ServerAsync(
        Stream connection, Action shutdownSend, string peer, TlsServerSettings settings, CancellationToken cancellationToken)
    {
        var verifier = new TlsVerifier();
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = settings.Certificate.Context,
            EnabledSslProtocols = settings.Protocols,
            ApplicationProtocols = settings.Alpn?.ToList(),
        };
        if (OperatingSystem.IsLinux())
            options.CipherSuitesPolicy = FastFirst.Value;
        if (settings.ClientRoots is { } roots)
        {
            options.ClientCertificateRequired = true;
            options.CertificateChainPolicy = TrustOnly(roots);
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => verifier.CheckClient(certificate, chain, errors);
        }
        return await HandshakeAsync(connection, shutdownSend, peer, verifier, isClient: false,
            (tls, token) => tls.AuthenticateAsServerAsync(options, token), cancellationToken);
    }

    private static async Task<TlsDuplex> HandshakeAsync(
        Stream connection, Action shutdownSend, string peer, TlsVerifier verifier, bool isClient,
        Func<SslStream, CancellationToken, Task> authenticate, CancellationToken cancellationToken)
    {
        var transport = new WatchedStream(connection);
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await authenticate(tls, cancellationToken);
            return new TlsDuplex(tls, transport, shutdownSend, peer, RefusalAfterHandshake(tls, verifier, isClient));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!isClient && TlsFailures.SpokePlainText(transport))
                ResetOnClose(connection);
            await tls.DisposeAsync();
            throw new TlsException(peer, TlsFailures.Describe(e, transport, verifier, isClient), e);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A plaintext client's data was read by the handshake and thrown away: a reset, not a FIN, tells it so (it reports
    /// the connection reset and fails, rather than take the quiet end for an answer). There is no TLS alert it could read.
    /// </summary>
    private static void ResetOnClose(Stream connection)
    {
        // Before the stream's own close, which would shut the socket down first (a FIN).
        if (connection is NetworkStream { Socket: { } socket })
            socket.Close(timeout: 0);
    }

    /// <summary>
    /// What it means when the peer hangs up, without close_notify, before sending anything. TLS 1.3 ends the client's
    /// handshake before the server has checked the client's certificate (and the server's certificate check on our side
    /// before the listener knows): .NET refuses by closing the connection, with no alert, so the other side sees only
    /// this; what the handshake showed names the likely cause. Null: an end like that is just an end.
    /// </summary>
    private static string? RefusalAfterHandshake(SslStream tls, TlsVerifier verifier, bool isClient)
    {
        if (!isClient)
            return "client hung up right after the handshake (did it refuse the certificate?)";
        if (tls.LocalCertificate is not null)
            return "server hung up after receiving the client certificate (it refused it?)";
        return verifier.ClientCertificateRequested ? "server requires a client certificate (--ssl-cert FILE --ssl-key FILE)" : null;
    }

    /// <summary>The trust file's certificates as the only roots (<c>--ssl-trustfile</c> replaces the system store).</summary>
    private static X509ChainPolicy TrustOnly(X509Certificate2Collection roots)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    private static Action ShutdownSend(Socket socket) => () =>
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer is already gone; the reading side reports how the session ended.
        }
    };
}
