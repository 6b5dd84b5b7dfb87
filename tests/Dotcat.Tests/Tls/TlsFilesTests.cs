using System.Net;
using System.Security.Cryptography.X509Certificates;
using Dotcat.Diagnostics;
using Dotcat.Tests.Support;
using Dotcat.Tls;

namespace Dotcat.Tests.Tls;

public sealed class FingerprintTests
{
    private static readonly string Hex = string.Concat(Enumerable.Range(0, 32).Select(i => (i * 7).ToString("X2")));
    private static readonly string Colons = string.Join(':', Enumerable.Range(0, 32).Select(i => (i * 7).ToString("X2")));

    [Theory]
    [InlineData("openssl")]
    [InlineData("colons")]
    [InlineData("bare-lower")]
    [InlineData("prefix-lower")]
    [InlineData("spaces")]
    public void Accepts_the_spellings_people_paste(string spelling)
    {
        string text = spelling switch
        {
            "openssl" => "SHA256 Fingerprint=" + Colons,
            "colons" => Colons,
            "bare-lower" => Hex.ToLowerInvariant(),
            "prefix-lower" => "sha256 fingerprint=" + Colons.ToLowerInvariant(),
            _ => "  " + Colons + "\n",
        };
        Fingerprint.TryParse(text, out Fingerprint? fingerprint, out string? error).ShouldBeTrue(error);
        fingerprint!.ToString().ShouldBe(Colons);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AB:CD")]
    [InlineData("SHA1 Fingerprint=AB:CD:EF")]
    public void Rejects_anything_else_with_a_usage_message(string text)
    {
        Fingerprint.TryParse(text, out _, out string? error).ShouldBeFalse();
        error.ShouldBe($"--ssl-fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons optional), got '{text}'");
    }

    [Fact]
    public void Rejects_non_hex_of_the_right_length()
    {
        Fingerprint.TryParse(new string('G', 64), out _, out string? error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Matches_what_openssl_prints_for_the_same_certificate()
    {
        TlsCertificate certificate = SelfSignedCertificate.Create();
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.Leaf.RawData))
            .ShouldBe(certificate.Fingerprint.ToString().Replace(":", ""));
        Fingerprint.TryParse(certificate.Fingerprint.ToString(), out Fingerprint? parsed, out _).ShouldBeTrue();
        parsed.ShouldBe(certificate.Fingerprint);
    }
}

public sealed class SelfSignedCertificateTests
{
    [Fact]
    public void Names_localhost_the_loopbacks_and_the_bound_host()
    {
        TlsCertificate certificate = SelfSignedCertificate.Create("myhost.test");
        TlsVerifier.Names(certificate.Leaf).ShouldBe(["localhost", "myhost.test", "127.0.0.1", "::1"], ignoreOrder: true);
        certificate.Leaf.GetECDsaPublicKey()!.KeySize.ShouldBe(256);
        certificate.Leaf.HasPrivateKey.ShouldBeTrue();
        certificate.Leaf.Subject.ShouldStartWith("CN=myhost.test");
    }

    [Fact]
    public void A_bound_address_is_an_ip_name_and_a_wildcard_adds_nothing()
    {
        TlsVerifier.Names(SelfSignedCertificate.Create("192.0.2.7").Leaf).ShouldContain("192.0.2.7");
        TlsVerifier.Names(SelfSignedCertificate.Create("0.0.0.0").Leaf).ShouldBe(["localhost", "127.0.0.1", "::1"], ignoreOrder: true);
    }

    [Fact]
    public void Is_valid_from_an_hour_ago_for_seven_days_and_new_each_time()
    {
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        TlsCertificate certificate = SelfSignedCertificate.Create(now: now);
        certificate.Leaf.NotBefore.ToUniversalTime().ShouldBe(now.UtcDateTime.AddHours(-1));
        certificate.Leaf.NotAfter.ToUniversalTime().ShouldBe(now.UtcDateTime.AddDays(7));
        SelfSignedCertificate.Create(now: now).Fingerprint.ShouldNotBe(certificate.Fingerprint);
    }

    [Fact]
    public void Its_verbose_line_gives_the_pin()
    {
        TlsCertificate certificate = SelfSignedCertificate.Create();
        TlsMessages.SelfSigned(certificate).ShouldEndWith($"SHA256 fingerprint {certificate.Fingerprint} (pin it: --ssl-fingerprint {certificate.Fingerprint})");
    }
}

public sealed class TlsFilesTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    private string Write(string name, string text)
    {
        string path = _dir.Path(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Loads_an_rsa_certificate_and_its_plain_key()
    {
        using X509Certificate2 leaf = TestCertificates.Issue(_ca, "rsa.test", rsa: true);
        TlsCertificate loaded = TlsFiles.LoadCertificate(Write("c.pem", TestCertificates.CertPem(leaf)), Write("k.pem", TestCertificates.KeyPem(leaf)));
        loaded.Leaf.HasPrivateKey.ShouldBeTrue();
        loaded.Leaf.Thumbprint.ShouldBe(leaf.Thumbprint);
        loaded.Intermediates.Count.ShouldBe(0);
    }

    [Fact]
    public void Loads_an_encrypted_ecdsa_key_with_the_passphrase_from_a_file()
    {
        using X509Certificate2 leaf = TestCertificates.Issue(_ca, "ec.test");
        string password = TlsFiles.ReadPassword(Write("pass", "s3cret words\nignored second line\n"));
        password.ShouldBe("s3cret words");
        TlsCertificate loaded = TlsFiles.LoadCertificate(
            Write("c.pem", TestCertificates.CertPem(leaf)), Write("k.pem", TestCertificates.KeyPem(leaf, "s3cret words")), password);
        loaded.Leaf.GetECDsaPrivateKey().ShouldNotBeNull();
    }

    [Fact]
    public void A_full_chain_file_gives_the_leaf_and_its_intermediates_and_the_key_may_sit_beside_them()
    {
        using X509Certificate2 intermediate = TestCertificates.Issue(_ca, "intermediate", isCa: true);
        using X509Certificate2 leaf = TestCertificates.Issue(intermediate, "chain.test");
        string path = Write("full.pem", TestCertificates.CertPem(leaf, intermediate) + TestCertificates.KeyPem(leaf));
        TlsCertificate loaded = TlsFiles.LoadCertificate(path);
        loaded.Leaf.Subject.ShouldBe("CN=chain.test");
        loaded.Intermediates.Single().Subject.ShouldBe("CN=intermediate");
    }

    [Fact]
    public async Task A_loaded_full_chain_is_sent_so_a_client_trusting_only_the_root_accepts_it()
    {
        using X509Certificate2 intermediate = TestCertificates.Issue(_ca, "intermediate", isCa: true);
        using X509Certificate2 leaf = TestCertificates.Issue(intermediate, "localhost");
        TlsCertificate loaded = TlsFiles.LoadCertificate(Write("full.pem", TestCertificates.CertPem(leaf, intermediate)), Write("k.pem", TestCertificates.KeyPem(leaf)));
        X509Certificate2Collection roots = TlsFiles.LoadTrust(Write("ca.pem", TestCertificates.CertPem(_ca)));

        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            new TlsClientSettings("localhost", TrustRoots: roots), new TlsServerSettings(loaded));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
    }

    public static TheoryData<string> Problems =>
        ["missing-cert", "no-cert-in-file", "no-key", "key-mismatch", "encrypted-no-password", "wrong-password", "legacy-encrypted", "empty-trust"];

    [Theory]
    [MemberData(nameof(Problems))]
    public void Each_bad_file_is_a_usage_error_naming_option_and_file(string problem)
    {
        using X509Certificate2 leaf = TestCertificates.Issue(_ca, "a.test");
        using X509Certificate2 other = TestCertificates.Issue(_ca, "b.test");
        string cert = Write("c.pem", TestCertificates.CertPem(leaf));
        string key = Write("k.pem", TestCertificates.KeyPem(leaf));
        string encrypted = Write("e.pem", TestCertificates.KeyPem(leaf, "pw"));
        (Action load, string expected) = problem switch
        {
            "missing-cert" => ((Action)(() => TlsFiles.LoadCertificate(_dir.Path("nope.pem"), key)), $"--ssl-cert: no such file '{_dir.Path("nope.pem")}'"),
            "no-cert-in-file" => (() => TlsFiles.LoadCertificate(key, key), $"--ssl-cert: no PEM certificate (-----BEGIN CERTIFICATE-----) in '{key}'"),
            "no-key" => (() => TlsFiles.LoadCertificate(cert, cert), $"--ssl-key: no PEM private key in '{cert}'"),
            "key-mismatch" => (() => TlsFiles.LoadCertificate(cert, Write("o.pem", TestCertificates.KeyPem(other))),
                $"--ssl-key: the key in '{_dir.Path("o.pem")}' does not match the certificate in '{cert}'"),
            "encrypted-no-password" => (() => TlsFiles.LoadCertificate(cert, encrypted),
                $"--ssl-key: '{encrypted}' is encrypted; give its passphrase with --ssl-key-password-file FILE"),
            "wrong-password" => (() => TlsFiles.LoadCertificate(cert, encrypted, "not it"), $"--ssl-key: cannot decrypt '{encrypted}' (wrong passphrase?)"),
            "legacy-encrypted" => (() => TlsFiles.LoadCertificate(cert, Write("l.pem",
                "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n")),
                $"--ssl-key: '{_dir.Path("l.pem")}' uses OpenSSL's legacy key encryption; convert it with: openssl pkcs8 -topk8 -in {_dir.Path("l.pem")} -out NEWKEY"),
            _ => (() => TlsFiles.LoadTrust(Write("t.pem", "nothing here\n")), $"--ssl-trustfile: no PEM certificate (-----BEGIN CERTIFICATE-----) in '{_dir.Path("t.pem")}'"),
        };
        UsageException error = Should.Throw<UsageException>(load);
        error.Message.ShouldBe(expected);
        error.ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public void Min_version_parses_1_2_and_1_3_only()
    {
        TlsVersions.TryParseMinimum("1.2", out var twelve, out _).ShouldBeTrue();
        twelve.ShouldBe(TlsVersions.Default);
        TlsVersions.TryParseMinimum("1.1", out _, out string? error).ShouldBeFalse();
        error.ShouldBe("--ssl-min-version: expected 1.2 or 1.3, got '1.1'");
    }

    [Fact]
    public void Ip_names_are_listed_with_dns_names()
    {
        using X509Certificate2 leaf = TestCertificates.Issue(_ca, "x.test");
        TlsVerifier.Names(leaf).ShouldBe(["x.test", IPAddress.Loopback.ToString()]);
    }
}

public sealed class TlsAlpnTests
{
    [Fact]
    public void Parses_a_comma_separated_list_in_order()
    {
        TlsAlpn.TryParse("h2, http/1.1", out var protocols, out _).ShouldBeTrue();
        protocols.Select(p => p.ToString()).ShouldBe(["h2", "http/1.1"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h2,,http/1.1")]
    public void Rejects_empty_names(string text)
    {
        TlsAlpn.TryParse(text, out _, out string? error).ShouldBeFalse();
        error.ShouldBe($"--ssl-alpn: expected comma-separated protocol names (1 to 255 characters each), got '{text}'");
    }
}
