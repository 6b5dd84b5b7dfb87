using Dotcat.Cli;
using Dotcat.Tests.Support;
using Dotcat.Tests.Tls;

namespace Dotcat.Tests.InMemory.Cli;

/// <summary>The <c>--ssl</c> options: parsed and checked once by the binder, files read there (usage errors, exit 2).</summary>
public sealed class TlsOptionsSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DotcatOptions Options(params string[] args)
    {
        CommandLineRequest request = CommandLine.Parse(args);
        request.UsageError.ShouldBeNull();
        return request.Options.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("--ssl-servername needs --ssl", "--ssl-servername", "a.test", "127.0.0.1", "1")]
    [InlineData("--ssl-insecure needs --ssl", "--ssl-insecure", "127.0.0.1", "1")]
    [InlineData("--ssl-verify-client needs --ssl", "-l", "--ssl-verify-client", "1")]
    [InlineData("--ssl-trustfile needs --ssl", "--ssl-trustfile", "ca.pem", "127.0.0.1", "1")]
    [InlineData("cannot use --ssl with -u/--udp", "--ssl", "-u", "127.0.0.1", "1")]
    [InlineData("cannot use --ssl with -U/--unixsock", "--ssl", "-U", "/tmp/x.sock")]
    [InlineData("cannot use -z with --ssl", "--ssl", "-z", "127.0.0.1", "1")]
    [InlineData("cannot use --ssl-fingerprint with --ssl-insecure", "--ssl", "--ssl-insecure", "--ssl-fingerprint", "AA", "127.0.0.1", "1")]
    [InlineData("cannot use --ssl-fingerprint with --ssl-trustfile", "--ssl", "--ssl-trustfile", "ca.pem", "--ssl-fingerprint", "AA", "127.0.0.1", "1")]
    [InlineData("cannot use --ssl-insecure with --ssl-trustfile", "--ssl", "--ssl-trustfile", "ca.pem", "--ssl-insecure", "127.0.0.1", "1")]
    [InlineData("cannot use --ssl-servername with -l/--listen", "-l", "--ssl", "--ssl-servername", "a.test", "1")]
    [InlineData("cannot use --ssl-insecure with -l/--listen", "-l", "--ssl", "--ssl-insecure", "1")]
    [InlineData("cannot use --ssl with -l --proxy-type", "-l", "--ssl", "--proxy-type", "socks5", "1")]
    [InlineData("cannot use --ssl with -l --proxy-type", "-l", "--ssl", "--proxy-type", "http", "1")]
    [InlineData("--ssl-verify-client needs -l/--listen", "--ssl", "--ssl-verify-client", "127.0.0.1", "1")]
    [InlineData("--ssl-verify-client needs --ssl-trustfile", "-l", "--ssl", "--ssl-verify-client", "1")]
    [InlineData("--ssl-trustfile on a listener needs --ssl-verify-client (it names the client CAs)", "-l", "--ssl", "--ssl-trustfile", "ca.pem", "1")]
    [InlineData("--ssl-key needs --ssl-cert", "--ssl", "--ssl-key", "k.pem", "127.0.0.1", "1")]
    [InlineData("--ssl-key-password-file needs --ssl-cert/--ssl-key", "--ssl", "--ssl-key-password-file", "p", "127.0.0.1", "1")]
    [InlineData("--ssl-min-version: expected 1.2 or 1.3, got '1.1'", "--ssl", "--ssl-min-version", "1.1", "127.0.0.1", "1")]
    [InlineData("--ssl-fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons optional), got 'AB:CD'", "--ssl", "--ssl-fingerprint", "AB:CD", "127.0.0.1", "1")]
    [InlineData("--ssl-trustfile: no such file", "--ssl", "--ssl-trustfile", "no-such-ca.pem", "127.0.0.1", "1")]
    public void Rules_and_bad_values_are_usage_errors_naming_the_options(string message, params string[] args) =>
        CommandLine.Parse(args).UsageError.ShouldNotBeNull().ShouldStartWith(message);

    [Fact]
    public void The_alias_tls_and_the_defaults_verify_against_the_system_store()
    {
        TlsOptions tls = Options("--tls", "example.org", "443").Tls.ShouldNotBeNull();
        tls.ServerName.ShouldBeNull();
        tls.TrustRoots.ShouldBeNull();
        tls.PinnedSha256.ShouldBeNull();
        tls.Insecure.ShouldBeFalse();
        tls.Protocols.ShouldBe(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        Options("example.org", "443").Tls.ShouldBeNull();
    }

    [Fact]
    public void Files_values_and_a_pin_are_read_once_into_the_options()
    {
        using var ca = TestCertificates.CreateCa();
        using var leaf = TestCertificates.Issue(ca, "localhost");
        string cert = _dir.Path("c.pem"), key = _dir.Path("k.pem"), trust = _dir.Path("ca.pem"), pass = _dir.Path("pass");
        File.WriteAllText(cert, TestCertificates.CertPem(leaf, ca));
        File.WriteAllText(key, TestCertificates.KeyPem(leaf, "secret"));
        File.WriteAllText(trust, TestCertificates.CertPem(ca));
        File.WriteAllText(pass, "secret\n");

        TlsOptions listener = Options("-l", "--ssl", "--ssl-cert", cert, "--ssl-key", key, "--ssl-key-password-file", pass,
            "--ssl-verify-client", "--ssl-trustfile", trust, "--ssl-alpn", "h2,http/1.1", "--ssl-min-version", "1.3", "8443").Tls.ShouldNotBeNull();
        listener.Certificate.ShouldNotBeNull().HasPrivateKey.ShouldBeTrue();
        listener.Intermediates.Count.ShouldBe(1);
        listener.TrustRoots.ShouldNotBeNull().Count.ShouldBe(1);
        listener.VerifyClient.ShouldBeTrue();
        listener.Alpn.ShouldNotBeNull().Select(p => p.ToString()).ShouldBe(["h2", "http/1.1"]);
        listener.Protocols.ShouldBe(System.Security.Authentication.SslProtocols.Tls13);

        string pin = Dotcat.Tls.Fingerprint.Of(leaf).ToString();
        TlsOptions client = Options("--ssl", "--ssl-fingerprint", pin.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant(), "--ssl-servername", "a.test", "127.0.0.1", "1").Tls.ShouldNotBeNull();
        Dotcat.Tls.Fingerprint.FromHash(client.PinnedSha256.ShouldNotBeNull().Span).ToString().ShouldBe(pin);
        client.ServerName.ShouldBe("a.test");
    }

    [Fact]
    public void An_encrypted_key_without_its_passphrase_is_a_usage_error()
    {
        using var ca = TestCertificates.CreateCa();
        using var leaf = TestCertificates.Issue(ca, "localhost");
        string cert = _dir.Path("c.pem"), key = _dir.Path("k.pem");
        File.WriteAllText(cert, TestCertificates.CertPem(leaf));
        File.WriteAllText(key, TestCertificates.KeyPem(leaf, "secret"));
        CommandLine.Parse(["-l", "--ssl", "--ssl-cert", cert, "--ssl-key", key, "1"]).UsageError
            .ShouldBe($"--ssl-key: '{key}' is encrypted; give its passphrase with --ssl-key-password-file FILE");
    }
}
