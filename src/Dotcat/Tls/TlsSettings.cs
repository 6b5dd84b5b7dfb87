using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>How a client decides whether to believe the server's certificate.</summary>
internal enum TlsTrust
{
    /// <summary>The chain against the system's store (or the trust file) and the name against the server name.</summary>
    Verify,

    /// <summary>Exactly the pinned leaf, whatever its chain and names (<c>--ssl-fingerprint</c>).</summary>
    Pin,

    /// <summary>Anything (<c>--ssl-insecure</c>); the caller prints <see cref="TlsMessages.InsecureWarning"/>.</summary>
    Insecure,
}

/// <summary>Everything the client's <c>--ssl-*</c> options mean, checked once (<see cref="TlsFiles"/> reads the files).</summary>
/// <param name="ServerName">Checked against the certificate and sent as SNI: HOST, or <c>--ssl-servername</c>.</param>
/// <param name="Trust">Verify (the default), pin, or accept anything.</param>
/// <param name="TrustRoots">From <c>--ssl-trustfile</c>: these replace the system store; null keeps the system's.</param>
/// <param name="Pin">From <c>--ssl-fingerprint</c>, when <see cref="Trust"/> is <see cref="TlsTrust.Pin"/>.</param>
/// <param name="Alpn">From <c>--ssl-alpn LIST</c>: offered in this order; null offers none.</param>
/// <param name="Certificate">From <c>--ssl-cert</c>/<c>--ssl-key</c>: sent when the server asks for one.</param>
/// <param name="Protocols">From <c>--ssl-min-version</c> (<see cref="TlsVersions"/>).</param>
internal sealed record TlsClientSettings(
    string ServerName,
    TlsTrust Trust = TlsTrust.Verify,
    X509Certificate2Collection? TrustRoots = null,
    Fingerprint? Pin = null,
    IReadOnlyList<SslApplicationProtocol>? Alpn = null,
    TlsCertificate? Certificate = null,
    SslProtocols Protocols = TlsVersions.Default);

/// <summary>Everything the listener's <c>--ssl-*</c> options mean.</summary>
/// <param name="Certificate">From <c>--ssl-cert</c>/<c>--ssl-key</c>, or <see cref="SelfSignedCertificate"/>.</param>
/// <param name="ClientRoots">From <c>--ssl-verify-client</c> with <c>--ssl-trustfile</c>: a client must present a
/// certificate that chains to one of these; null asks for none.</param>
/// <param name="Alpn">From <c>--ssl-alpn LIST</c>: the protocols it accepts, preferred first; null negotiates none.</param>
/// <param name="Protocols">From <c>--ssl-min-version</c> (<see cref="TlsVersions"/>).</param>
internal sealed record TlsServerSettings(
    TlsCertificate Certificate,
    X509Certificate2Collection? ClientRoots = null,
    IReadOnlyList<SslApplicationProtocol>? Alpn = null,
    SslProtocols Protocols = TlsVersions.Default);

/// <summary>A certificate with its private key, and the intermediates sent after it (a full chain file).</summary>
internal sealed record TlsCertificate(X509Certificate2 Leaf, X509Certificate2Collection Intermediates)
{
    public Fingerprint Fingerprint { get; } = Fingerprint.Of(Leaf);

    /// <summary>
    /// What SslStream sends: built once (it orders the chain) and shared by every connection of a listener. Offline:
    /// missing intermediates are not fetched from the network.
    /// </summary>
    public SslStreamCertificateContext Context => field ??= SslStreamCertificateContext.Create(Leaf, Intermediates, offline: true);
}

/// <summary><c>--ssl-min-version 1.2|1.3</c>: TLS 1.0 and 1.1 are never offered.</summary>
internal static class TlsVersions
{
    public const SslProtocols Default = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static bool TryParseMinimum(string text, out SslProtocols protocols, out string? error)
    {
        (protocols, error) = text.Trim() switch
        {
            "1.2" => (Default, (string?)null),
            "1.3" => (SslProtocols.Tls13, null),
            _ => (SslProtocols.None, $"--ssl-min-version: expected 1.2 or 1.3, got '{text}'"),
        };
        return error is null;
    }

    public static string Name(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };
}

/// <summary><c>--ssl-alpn LIST</c>: comma-separated protocol names, e.g. <c>h2,http/1.1</c>.</summary>
internal static class TlsAlpn
{
    public static bool TryParse(string text, out IReadOnlyList<SslApplicationProtocol> protocols, out string? error)
    {
        string[] names = text.Split(',', StringSplitOptions.TrimEntries);
        protocols = [];
        // ALPN names are 1 to 255 bytes on the wire.
        if (names.Any(n => n.Length is 0 or > 255))
        {
            error = $"--ssl-alpn: expected comma-separated protocol names (1 to 255 characters each), got '{text}'";
            return false;
        }
        protocols = [.. names.Select(n => new SslApplicationProtocol(n))];
        error = null;
        return true;
    }
}
