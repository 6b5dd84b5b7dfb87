using System.Net.Sockets;
using System.Text;
using Dotcat.Diagnostics;

namespace Dotcat.Tls;

/// <summary>
/// Names why a handshake (or a session, when the peer refuses us after it) failed, from what was seen: the verifier's
/// reason, the peer's first bytes, the TLS alert it sent, the connection's end. The TLS stack's own text never
/// reaches the user; it is only searched for the alert.
/// </summary>
internal static class TlsFailures
{
    public static string Describe(Exception error, WatchedStream transport, TlsVerifier verifier, bool isClient)
    {
        if (verifier.Failure is { } refused)
            return refused;
        ReadOnlySpan<byte> first = transport.FirstBytes;
        if (SpokePlainText(transport))
            return $"peer did not speak TLS (it sent {Quote(first)})";
        if (Alert(error, isClient) is { } alert)
            return alert;
        if (Find<SocketException>(error) is { } socketError)
            return SocketErrors.Describe(socketError.SocketErrorCode);
        if (transport.SawEnd && isClient && !first.IsEmpty)
        {
            // TLS 1.2: .NET (and others) refuse a client certificate by hanging up, without an alert.
            if (verifier.ClientCertificateRequested)
                return "server requires a client certificate (--ssl-cert FILE --ssl-key FILE)";
            if (verifier.HasClientCertificate)
                return "server hung up during the handshake (did it refuse the client certificate?)";
        }
        if (transport.SawEnd)
            return first.IsEmpty ? "peer closed the connection before the TLS handshake" : "peer closed the connection during the TLS handshake";
        return "handshake failed";
    }

    /// <summary>The peer's first byte is not a TLS record's: it speaks something else (plain text, usually).</summary>
    public static bool SpokePlainText(WatchedStream transport) => transport.FirstBytes is [var first, ..] && !IsTlsRecord(first);

    /// <summary>The reason a TLS alert from the peer gives, or null when <paramref name="error"/> carries none.</summary>
    public static string? Alert(Exception error, bool isClient)
    {
        string text = AllMessages(error);
        string peer = isClient ? "server" : "client";
        if (Has(text, "certificate required"))
            return isClient ? "server requires a client certificate (--ssl-cert FILE --ssl-key FILE)" : "client certificate required";
        if (Has(text, "unknown ca") || Has(text, "bad certificate") || Has(text, "certificate unknown")
            || Has(text, "unsupported certificate") || Has(text, "certificate expired") || Has(text, "access denied")
            || Has(text, "decrypt error") || Has(text, "certificate revoked"))
        {
            return isClient ? "server refused the client certificate" : "client refused the certificate (does it trust it? a client can pin it with --ssl-fingerprint)";
        }
        if (Has(text, "protocol version") || Has(text, "unsupported protocol"))
            return $"no TLS version in common with the {peer} (--ssl-min-version)";
        if (Has(text, "no application protocol"))
            return $"no ALPN protocol in common with the {peer} (--ssl-alpn)";
        if (Has(text, "no shared cipher") || Has(text, "handshake failure"))
            return $"the {peer} refused the handshake (no cipher suite or parameters in common?)";
        if (Has(text, "wrong version number") || Has(text, "packet length too long") || Has(text, "http request")
            || Has(text, "unknown protocol") || Has(text, "record layer failure"))
        {
            return "peer did not speak TLS";
        }
        return null;
    }

    private static bool IsTlsRecord(byte contentType) => contentType is >= 0x14 and <= 0x17;

    private static bool Has(string text, string phrase) => text.Contains(phrase, StringComparison.Ordinal);

    private static string AllMessages(Exception error)
    {
        var text = new StringBuilder();
        for (Exception? e = error; e is not null; e = e.InnerException)
            text.Append(e.Message).Append('\n');
        return text.ToString().ToLowerInvariant().Replace('_', ' ');
    }

    private static T? Find<T>(Exception error)
        where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
                return found;
        }
        return null;
    }

    /// <summary>The bytes as a short quoted string: printable ASCII as it is, the rest as \xNN.</summary>
    private static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("'");
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '\'')
                text.Append((char)b);
            else
                text.Append(b switch { (byte)'\r' => "\\r", (byte)'\n' => "\\n", _ => $"\\x{b:x2}" });
        }
        return text.Append('\'').ToString();
    }
}
