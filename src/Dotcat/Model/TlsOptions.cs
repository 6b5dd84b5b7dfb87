using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Model;

/// <summary>
/// What <c>--ssl</c> and the <c>--ssl-*</c> options ask for, with their files already read by the binder. Only .NET's
/// own certificate types appear here, so Model stays at the bottom of the layers; <c>Transports/TlsLayer</c> turns
/// this into the TLS core's settings once per run.
/// </summary>
internal sealed record TlsOptions
{
    /// <summary><c>--ssl-servername</c>: checked against the server's certificate and sent as SNI; null means HOST.</summary>
    public string? ServerName { get; init; }

    /// <summary>
    /// <c>--ssl-trustfile</c>: a client trusts these instead of the system store; a listener with
    /// <see cref="VerifyClient"/> requires client certificates that chain to them.
    /// </summary>
    public X509Certificate2Collection? TrustRoots { get; init; }

    /// <summary><c>--ssl-fingerprint</c>: the SHA-256 of the one server certificate to accept.</summary>
    public ReadOnlyMemory<byte>? PinnedSha256 { get; init; }

    /// <summary><c>--ssl-insecure</c>: accept any server certificate (a warning says so).</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--ssl-alpn</c>: offered (client) or accepted (listener), preferred first; null: no ALPN.</summary>
    public IReadOnlyList<SslApplicationProtocol>? Alpn { get; init; }

    /// <summary><c>--ssl-cert</c>/<c>--ssl-key</c>: the certificate with its private key; a listener without one makes a throwaway one.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The rest of <c>--ssl-cert</c>'s chain file, sent after <see cref="Certificate"/>.</summary>
    public X509Certificate2Collection Intermediates { get; init; } = [];

    /// <summary><c>--ssl-min-version</c>: the versions offered or accepted (TLS 1.2 and 1.3 by default).</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary><c>--ssl-verify-client</c>: a listener requires a client certificate chaining to <see cref="TrustRoots"/>.</summary>
    public bool VerifyClient { get; init; }
}
