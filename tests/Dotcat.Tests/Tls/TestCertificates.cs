using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dotcat.Tls;

namespace Dotcat.Tests.Tls;

/// <summary>Certificates made by the tests themselves (no key material is checked in): a CA, leaves it issues, PEM files.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 CreateCa(string name = "dotcat test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A leaf (or, with <paramref name="isCa"/>, an intermediate) signed by <paramref name="issuer"/>.</summary>
    public static X509Certificate2 Issue(
        X509Certificate2 issuer, string name, string[]? dnsNames = null, bool rsa = false, bool client = false,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool isCa = false)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = key is RSA r
            ? new CertificateRequest($"CN={name}", r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={name}", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        if (isCa)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        }
        else
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (string dns in dnsNames ?? [name])
                names.AddDnsName(dns);
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid(client ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        }
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        DateTimeOffset from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        DateTimeOffset to = notAfter ?? DateTimeOffset.UtcNow.AddDays(7);
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        // The test CAs are ECDSA; a generator lets them sign an RSA leaf too.
        using ECDsa issuerKey = issuer.GetECDsaPrivateKey()!;
        using X509Certificate2 cert = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), from, to, serial);
        return key is RSA rsaKey ? cert.CopyWithPrivateKey(rsaKey) : cert.CopyWithPrivateKey((ECDsa)key);
    }

    /// <summary>A self-signed leaf (ECDSA), like a server's own test certificate.</summary>
    public static X509Certificate2 SelfSigned(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddHours(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(7));
    }

    public static TlsCertificate AsTls(X509Certificate2 leaf, params X509Certificate2[] intermediates) =>
        new(TlsFiles.ForSslStream(leaf), [.. intermediates]);

    public static string CertPem(params X509Certificate2[] certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    public static string KeyPem(X509Certificate2 certificate, string? password = null)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()!;
        return password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
    }
}
