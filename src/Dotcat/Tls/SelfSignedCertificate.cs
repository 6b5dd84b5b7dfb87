using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>
/// The throwaway certificate of a listener started with <c>--ssl</c> and no <c>--ssl-cert</c>: a fresh ECDSA P-256
/// key each start, never written anywhere. Clients pin its fingerprint (printed at <c>-v</c>) rather than trust it.
/// </summary>
internal static class SelfSignedCertificate
{
    /// <summary>
    /// Valid from an hour ago, so a client whose clock is a little behind still accepts it, for seven days: long enough
    /// for any test session, short enough that a pin of it stops working soon after.
    /// </summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>Names: localhost, 127.0.0.1, ::1 and <paramref name="boundHost"/> (the listener's address or name).</summary>
    public static TlsCertificate Create(string? boundHost = null, DateTimeOffset? now = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string commonName = string.IsNullOrEmpty(boundHost) || IsWildcard(boundHost) ? "localhost" : boundHost;
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN={Escape(commonName)}, O=dotcat throwaway certificate"), key, HashAlgorithmName.SHA256);

        var names = new SubjectAlternativeNameBuilder();
        var dns = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost" };
        var addresses = new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        if (!string.IsNullOrEmpty(boundHost) && !IsWildcard(boundHost))
        {
            if (IPAddress.TryParse(boundHost, out IPAddress? address))
                addresses.Add(address);
            else
                dns.Add(boundHost);
        }
        foreach (string name in dns)
            names.AddDnsName(name);
        foreach (IPAddress address in addresses)
            names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));

        DateTimeOffset start = (now ?? DateTimeOffset.UtcNow) - Backdate;
        X509Certificate2 certificate = request.CreateSelfSigned(start, start + Backdate + Lifetime);
        return new TlsCertificate(TlsFiles.ForSslStream(certificate), []);
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "*";

    private static string Escape(string name) => name.Contains(',', StringComparison.Ordinal) ? $"\"{name}\"" : name;
}
