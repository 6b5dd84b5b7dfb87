using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>What a handshake agreed on: the one <c>-v</c> line per session.</summary>
internal sealed record TlsSession(
    SslProtocols Protocol,
    TlsCipherSuite CipherSuite,
    SslApplicationProtocol Alpn,
    string? PeerSubject,
    Fingerprint? PeerFingerprint)
{
    public static TlsSession Of(SslStream stream)
    {
        var peer = stream.RemoteCertificate as X509Certificate2;
        return new TlsSession(
            stream.SslProtocol,
            stream.NegotiatedCipherSuite,
            stream.NegotiatedApplicationProtocol,
            peer?.Subject,
            peer is null ? null : Fingerprint.Of(peer));
    }

    public string AlpnName => Alpn.Protocol.IsEmpty ? "none" : Alpn.ToString();

    /// <summary>E.g. <c>TLS: TLSv1.3 TLS_AES_256_GCM_SHA384, ALPN h2, peer CN=localhost SHA256 AB:CD:...</c>.</summary>
    public string Describe() =>
        $"TLS: {TlsVersions.Name(Protocol)} {CipherSuite}, ALPN {AlpnName}, "
        + (PeerSubject is null ? "peer sent no certificate" : $"peer {PeerSubject} SHA256 {PeerFingerprint}");
}
