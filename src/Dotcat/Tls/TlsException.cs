using Dotcat.Diagnostics;

namespace Dotcat.Tls;

/// <summary>
/// A handshake that failed: <c>TLS with PEER failed: REASON</c>, exit 1. A listener reports it for that client and
/// goes on serving the others.
/// </summary>
internal sealed class TlsException(string peer, string reason, Exception? inner = null)
    : DotcatException($"TLS with {peer} failed: {reason}", ExitCodes.Failure, inner)
{
    public string Reason { get; } = reason;

    public override bool NamesPeer => true;
}

/// <summary>The lines dotcat prints about TLS besides failures.</summary>
internal static class TlsMessages
{
    /// <summary>The warning a client prints (always, not only at <c>-v</c>) when it runs with <c>--ssl-insecure</c>.</summary>
    public static string InsecureWarning(string peer) =>
        $"--ssl-insecure: the certificate of {peer} is not verified; anyone on the path can read and change this session";

    /// <summary>The <c>-v</c> line of a listener using its throwaway certificate, with the pin a client can use.</summary>
    public static string SelfSigned(TlsCertificate certificate) =>
        $"TLS: throwaway self-signed certificate for {string.Join(", ", TlsVerifier.Names(certificate.Leaf))}, "
        + $"valid until {certificate.Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; SHA256 fingerprint {certificate.Fingerprint} "
        + $"(pin it: --ssl-fingerprint {certificate.Fingerprint})";

    /// <summary>The <c>-v</c> line when the peer ended the connection without a TLS close_notify first.</summary>
    public static string NoCloseNotify(string peer) =>
        $"TLS: {peer} ended the connection without close_notify (its data was kept; a truncation would go unnoticed)";
}
