using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dotcat.Diagnostics;

namespace Dotcat.Tls;

/// <summary>
/// Reads the PEM files the <c>--ssl-*</c> options name, once, at start. Every problem is a <see cref="UsageException"/>
/// naming the option and the file, so a bad file stops dotcat before it connects or listens.
/// </summary>
internal static class TlsFiles
{
    /// <summary>
    /// <c>--ssl-cert FILE</c> (leaf first, then any intermediates: a full chain file) and <c>--ssl-key FILE</c> (PEM,
    /// PKCS#8 or the traditional RSA/EC forms; an encrypted PKCS#8 key needs <paramref name="password"/>). Without a
    /// key file the key is looked for in the certificate file.
    /// </summary>
    public static TlsCertificate LoadCertificate(string certPath, string? keyPath = null, string? password = null)
    {
        X509Certificate2Collection all = ReadCertificates("--ssl-cert", certPath);
        X509Certificate2 leaf = all[0];
        string keyOption = keyPath is null ? "--ssl-cert" : "--ssl-key";
        keyPath ??= certPath;
        string keyPem = ReadText(keyOption, keyPath);
        X509Certificate2 withKey = AttachKey(leaf, keyPem, keyOption, keyPath, certPath, password);
        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++)
            intermediates.Add(all[i]);
        return new TlsCertificate(ForSslStream(withKey), intermediates);
    }

    /// <summary><c>--ssl-trustfile FILE</c>: a PEM bundle of the certificates to trust instead of the system's.</summary>
    public static X509Certificate2Collection LoadTrust(string path) => ReadCertificates("--ssl-trustfile", path);

    /// <summary><c>--ssl-key-password-file FILE</c>: its first line, as <c>openssl -passin file:</c> reads it.</summary>
    public static string ReadPassword(string path)
    {
        string text = ReadText("--ssl-key-password-file", path);
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>
    /// Windows' TLS (SChannel) cannot use a key that lives only in memory, as one imported from PEM does; a PKCS#12
    /// round trip stores it where SChannel finds it. OpenSSL (Linux) and macOS take the key as it is.
    /// </summary>
    internal static X509Certificate2 ForSslStream(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows())
            return certificate;
        using (certificate)
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2Collection ReadCertificates(string option, string path)
    {
        string pem = ReadText(option, path);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            throw new UsageException($"{option}: '{path}' holds a malformed PEM certificate");
        }
        if (certificates.Count == 0)
            throw new UsageException($"{option}: no PEM certificate (-----BEGIN CERTIFICATE-----) in '{path}'");
        return certificates;
    }

    private static X509Certificate2 AttachKey(
        X509Certificate2 leaf, string keyPem, string keyOption, string keyPath, string certPath, string? password)
    {
        if (keyPem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            throw new UsageException($"{keyOption}: '{keyPath}' uses OpenSSL's legacy key encryption; convert it with: openssl pkcs8 -topk8 -in {keyPath} -out NEWKEY");
        string? label = FindKeyLabel(keyPem);
        if (label is null)
            throw new UsageException($"{keyOption}: no PEM private key in '{keyPath}'");
        bool encrypted = string.Equals(label, "ENCRYPTED PRIVATE KEY", StringComparison.Ordinal);
        if (encrypted && password is null)
            throw new UsageException($"{keyOption}: '{keyPath}' is encrypted; give its passphrase with --ssl-key-password-file FILE");

        using AsymmetricAlgorithm key = CreateKeyFor(leaf, certPath);
        try
        {
            if (encrypted)
                key.ImportFromEncryptedPem(keyPem, password);
            else
                key.ImportFromPem(keyPem);
        }
        catch (CryptographicException)
        {
            throw new UsageException(encrypted
                ? $"{keyOption}: cannot decrypt '{keyPath}' (wrong passphrase?)"
                : $"{keyOption}: '{keyPath}' holds no key of the certificate's type ({leaf.PublicKey.Oid.FriendlyName}) or a malformed one");
        }
        catch (ArgumentException)
        {
            throw new UsageException($"{keyOption}: '{keyPath}' holds no key of the certificate's type ({leaf.PublicKey.Oid.FriendlyName})");
        }

        try
        {
            return key switch
            {
                RSA rsa => leaf.CopyWithPrivateKey(rsa),
                ECDsa ecdsa => leaf.CopyWithPrivateKey(ecdsa),
                _ => throw new UsageException($"--ssl-cert: unsupported key type in '{certPath}'"),
            };
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new UsageException($"{keyOption}: the key in '{keyPath}' does not match the certificate in '{certPath}'");
        }
    }

    private static AsymmetricAlgorithm CreateKeyFor(X509Certificate2 leaf, string certPath) =>
        leaf.PublicKey.Oid.Value switch
        {
            "1.2.840.113549.1.1.1" => RSA.Create(),
            "1.2.840.10045.2.1" => ECDsa.Create(),
            _ => throw new UsageException($"--ssl-cert: '{certPath}' has a {leaf.PublicKey.Oid.FriendlyName ?? leaf.PublicKey.Oid.Value} key; RSA and ECDSA are supported"),
        };

    private static string? FindKeyLabel(string pem)
    {
        ReadOnlySpan<char> rest = pem;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            string label = rest[fields.Label].ToString();
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
                return label;
            rest = rest[fields.Location.End..];
        }
        return null;
    }

    private static string ReadText(string option, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{option}: no such file '{path}'");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: permission denied reading '{path}'");
        }
        catch (IOException)
        {
            throw new UsageException($"{option}: cannot read '{path}'");
        }
    }
}
