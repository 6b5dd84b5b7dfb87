using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>
/// Decides on the peer's certificate during the handshake and, when it says no, keeps the one reason the user sees:
/// the TLS stack only reports "rejected by the callback".
/// </summary>
internal sealed class TlsVerifier
{
    private const string Remedies = "--ssl-trustfile FILE, --ssl-fingerprint SHA256 or --ssl-insecure";

    /// <summary>Why the certificate was refused; null while it was not.</summary>
    public string? Failure { get; private set; }

    /// <summary>The server asked the client for a certificate (seen only when the client has none to give).</summary>
    public bool ClientCertificateRequested { get; set; }

    /// <summary>The client has a certificate to send if asked (<c>--ssl-cert</c>).</summary>
    public bool HasClientCertificate { get; init; }

    /// <summary>The client's check of the server's certificate, as <see cref="TlsClientSettings.Trust"/> says.</summary>
    public bool CheckServer(TlsClientSettings settings, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf)
            return Refuse("server sent no certificate");
        switch (settings.Trust)
        {
            case TlsTrust.Insecure:
                return true;
            case TlsTrust.Pin:
                Fingerprint actual = Fingerprint.Of(leaf);
                return actual.Equals(settings.Pin)
                    || Refuse($"certificate fingerprint mismatch: the server's is {actual}, not the pinned {settings.Pin}");
        }
        if (errors == SslPolicyErrors.None)
            return true;

        string store = settings.TrustRoots is null ? "the system's trust store" : "--ssl-trustfile";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            X509ChainStatusFlags status = Status(chain);
            if (status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain))
            {
                return Refuse(IsSelfSigned(leaf)
                    ? $"certificate not trusted (self-signed; {Remedies})"
                    : $"certificate not trusted (issuer '{leaf.Issuer}' is not in {store}; {Remedies})");
            }
            if (DateProblem(leaf) is { } dates)
                return Refuse($"{dates} (--ssl-fingerprint SHA256 or --ssl-insecure)");
            return Refuse($"certificate not trusted ({Describe(status)}; {Remedies})");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Refuse($"certificate is for {string.Join(", ", Names(leaf))}, not '{settings.ServerName}' "
                + "(--ssl-servername NAME, --ssl-fingerprint SHA256 or --ssl-insecure)");
        }
        return Refuse($"certificate refused ({errors})");
    }

    /// <summary>The listener's check of a client certificate (<c>--ssl-verify-client</c>).</summary>
    public bool CheckClient(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf)
            return Refuse("client sent no certificate (--ssl-verify-client requires one)");
        if (errors == SslPolicyErrors.None)
            return true;
        X509ChainStatusFlags status = Status(chain);
        if (status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain))
            return Refuse($"client certificate '{leaf.Subject}' not trusted (not issued by a certificate in --ssl-trustfile)");
        if (DateProblem(leaf) is { } dates)
            return Refuse("client " + dates);
        return Refuse($"client certificate '{leaf.Subject}' refused ({Describe(status)})");
    }

    private bool Refuse(string reason)
    {
        Failure = reason;
        return false;
    }

    private static X509ChainStatusFlags Status(X509Chain? chain) =>
        chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;

    private static bool IsSelfSigned(X509Certificate2 leaf) => leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData);

    private static string? DateProblem(X509Certificate2 leaf)
    {
        DateTime now = DateTime.UtcNow;
        if (leaf.NotAfter.ToUniversalTime() < now)
            return $"certificate expired on {Format(leaf.NotAfter)}";
        if (leaf.NotBefore.ToUniversalTime() > now)
            return $"certificate not valid before {Format(leaf.NotBefore)} (is a clock wrong?)";
        return null;
    }

    private static string Format(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Describe(X509ChainStatusFlags status) =>
        status == X509ChainStatusFlags.NoError ? "chain error" : status.ToString();

    /// <summary>The names a certificate is valid for: its DNS and IP subject alternative names, else its CN.</summary>
    public static IReadOnlyList<string> Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (string.Equals(extension.Oid?.Value, "2.5.29.17", StringComparison.Ordinal))
            {
                var san = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData);
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } cn)
            names.Add(cn);
        return names.Count == 0 ? ["no names"] : names;
    }
}
