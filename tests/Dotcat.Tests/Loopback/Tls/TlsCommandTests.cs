using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dotcat.Tests.Support;
using Dotcat.Tests.Tls;

namespace Dotcat.Tests.Loopback.Tls;

/// <summary>
/// Whole dotcat commands with <c>--ssl</c>, client and listener, in this process through the console seam: the
/// handshake, verification failures, mutual TLS, mismatched peers, and services over TLS. Certificates are made here.
/// </summary>
public sealed class TlsCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
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

    /// <summary>A leaf issued by the test CA, as PEM files; and the CA as a trust file.</summary>
    private (string Cert, string Key, string Ca) Files(string name = "localhost", bool client = false, DateTimeOffset? notAfter = null,
        X509Certificate2? issuer = null)
    {
        using X509Certificate2 leaf = TestCertificates.Issue(issuer ?? _ca, name, client: client,
            notBefore: notAfter?.AddDays(-2), notAfter: notAfter);
        return (Write(name + ".crt", TestCertificates.CertPem(leaf)), Write(name + ".key", TestCertificates.KeyPem(leaf)),
            Write("ca.pem", TestCertificates.CertPem(_ca)));
    }

    private static string PinFrom(string line) => line[(line.IndexOf("pin it: --ssl-fingerprint ", StringComparison.Ordinal) + 26)..].TrimEnd(')');

    private static async Task FeedAsync(DotcatRun run, byte[] data)
    {
        for (int at = 0; at < data.Length; at += 1 << 20)
            await run.Stdin.WriteAsync(data.AsMemory(at, Math.Min(1 << 20, data.Length - at)));
        run.CloseStdin();
    }

    private static async Task<(DotcatRun Listener, int Port)> ListenAsync(params string[] args)
    {
        DotcatRun listener = DotcatRun.Start(["-l", "--ssl", "-v", .. args, "127.0.0.1", "0"]);
        return (listener, await listener.WaitForListeningPortAsync());
    }

    [Fact]
    public async Task A_pinned_client_and_a_throwaway_listener_move_64_MiB_each_way_byte_exact()
    {
        (DotcatRun listener, int port) = await ListenAsync();
        await using (listener)
        {
            string pin = PinFrom(await listener.WaitForStderrAsync(l => l.Contains("pin it:", StringComparison.Ordinal)));
            await using DotcatRun client = DotcatRun.Start("--ssl", "-v", "--ssl-fingerprint", pin, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
            byte[] up = Peers.RandomBytes(64 << 20), down = Peers.RandomBytes(64 << 20);
            Task feeding = Task.WhenAll(FeedAsync(client, up), FeedAsync(listener, down));

            (await client.WaitForExitAsync(Timeout)).ShouldBe(0, client.Stderr);
            (await listener.WaitForExitAsync(Timeout)).ShouldBe(0, listener.Stderr);
            await feeding;
            SHA256.HashData(await listener.StdoutAsync()).ShouldBe(SHA256.HashData(up));
            SHA256.HashData(await client.StdoutAsync()).ShouldBe(SHA256.HashData(down));
            client.Stderr.ShouldContain("dotcat: TLS: TLSv1.3 ");
            client.Stderr.ShouldContain($"peer CN=127.0.0.1, O=dotcat throwaway certificate SHA256 {pin}");
            listener.Stderr.ShouldContain("peer sent no certificate");
            client.Stderr.ShouldNotContain("close_notify");
        }
    }

    /// <summary>The issue's "tried as a new user" step: a page from openssl s_server, its own certificate the trust file.</summary>
    [PeerFact("openssl")]
    public async Task A_get_piped_to_the_client_fetches_the_page_of_openssl_s_server_trusted_through_its_certificate()
    {
        using X509Certificate2 self = TestCertificates.SelfSigned("localhost");
        string cert = Write("cert.pem", TestCertificates.CertPem(self)), key = Write("key.pem", TestCertificates.KeyPem(self));
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("openssl")!,
            ["s_server", "-www", "-cert", cert, "-key", key, "-accept", $"127.0.0.1:{port}"], serverOut);
        while (!Encoding.ASCII.GetString(serverOut.ToArray()).Contains("ACCEPT\n", StringComparison.Ordinal))
            await serverOut.WaitForAsync(serverOut.Count + 1).WaitAsync(Timeout);

        await using DotcatRun client = DotcatRun.Start("--ssl", "--ssl-trustfile", cert, "localhost", port.ToString(CultureInfo.InvariantCulture));
        await client.Stdin.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        client.CloseStdin();
        (await client.WaitForExitAsync(Timeout)).ShouldBe(0, client.Stderr);
        (await client.StdoutTextAsync()).ShouldStartWith("HTTP/1.0 200 ok");
        client.Stderr.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_listener_with_its_own_certificate_is_verified_by_name_through_the_trust_file()
    {
        (string cert, string key, string ca) = Files();
        (DotcatRun listener, int port) = await ListenAsync("--ssl-cert", cert, "--ssl-key", key);
        await using (listener)
        {
            listener.Stderr.ShouldNotContain("throwaway");
            await using DotcatRun client = DotcatRun.Start("--ssl", "--ssl-trustfile", ca, "localhost", port.ToString(CultureInfo.InvariantCulture));
            await client.Stdin.WriteAsync("hello\n"u8.ToArray());
            client.CloseStdin();
            listener.CloseStdin();
            (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
            (await listener.StdoutTextAsync()).ShouldBe("hello\n");
            client.Stderr.ShouldBeEmpty();
        }
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "untrusted", "certificate not trusted (self-signed; --ssl-trustfile FILE, --ssl-fingerprint SHA256 or --ssl-insecure)" },
        { "expired", "certificate expired on " },
        { "wrong-name", "certificate is for localhost, 127.0.0.1, not 'other.test' (--ssl-servername NAME, --ssl-fingerprint SHA256 or --ssl-insecure)" },
        { "wrong-pin", "certificate fingerprint mismatch: the server's is " },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Each_verification_failure_has_its_own_line_and_exit_1(string kind, string reason)
    {
        (string cert, string key, string ca) = Files(notAfter: kind is "expired" ? DateTimeOffset.UtcNow.AddDays(-1) : null);
        string[] listen = kind is "untrusted" ? [] : ["--ssl-cert", cert, "--ssl-key", key];
        (DotcatRun listener, int port) = await ListenAsync(["-k", .. listen]);
        await using (listener)
        {
            string[] trust = kind switch
            {
                "untrusted" => [],
                "expired" => ["--ssl-trustfile", ca],
                "wrong-name" => ["--ssl-trustfile", ca, "--ssl-servername", "other.test"],
                _ => ["--ssl-fingerprint", new string('a', 64)],
            };
            await using DotcatRun client = DotcatRun.Start(["--ssl", .. trust, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
            client.CloseStdin();

            (await client.WaitForExitAsync()).ShouldBe(1);
            string[] lines = client.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Length.ShouldBe(1, client.Stderr);
            lines[0].ShouldStartWith($"dotcat: TLS with 127.0.0.1:{port} failed: {reason}");
            (await client.StdoutAsync()).ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData("trusted")]
    [InlineData("none")]
    [InlineData("other-ca")]
    public async Task Mutual_tls_takes_a_client_of_the_trusted_ca_and_refuses_the_others_listener_lives_on(string clientCert)
    {
        (string cert, string key, string ca) = Files();
        (DotcatRun listener, int port) = await ListenAsync("-k", "--ssl-cert", cert, "--ssl-key", key, "--ssl-verify-client", "--ssl-trustfile", ca);
        await using (listener)
        {
            using X509Certificate2 otherCa = TestCertificates.CreateCa("someone else");
            string[] own = clientCert switch
            {
                "trusted" => Own(Files("alice", client: true)),
                "other-ca" => Own(Files("mallory", client: true, issuer: otherCa)),
                _ => [],
            };
            // A refused client sends nothing (a person at a terminal): with TLS 1.3 its handshake is over before the
            // server refuses, and bytes the server never reads make its close a reset, which can overtake the alert.
            bool sendsNothing = clientCert is not "trusted";
            await using DotcatRun client = DotcatRun.Start(["--ssl", "--ssl-trustfile", ca, .. own, "localhost", port.ToString(CultureInfo.InvariantCulture)], stdinIsTerminal: sendsNothing);
            if (!sendsNothing)
            {
                await client.Stdin.WriteAsync("hi\n"u8.ToArray());
                client.CloseStdin();
            }
            int exit = await client.WaitForExitAsync();

            if (clientCert is "trusted")
            {
                exit.ShouldBe(0, client.Stderr + listener.Stderr);
                await listener.WaitForStderrAsync(l => l.Contains("peer CN=alice", StringComparison.Ordinal));
            }
            else
            {
                exit.ShouldBe(1, client.Stderr);
                client.Stderr.ShouldStartWith($"dotcat: TLS with 127.0.0.1:{port} failed: ");
                string refused = await listener.WaitForStderrAsync(l => l.Contains(" failed: ", StringComparison.Ordinal));
                refused.ShouldContain(clientCert is "none" ? "client sent no certificate" : "client certificate 'CN=mallory' not trusted");
            }
            // Still serving: a good client after a refused one.
            await using DotcatRun next = DotcatRun.Start(["--ssl", "--ssl-trustfile", ca, .. Own(Files("bob", client: true)), "localhost", port.ToString(CultureInfo.InvariantCulture)]);
            next.CloseStdin();
            (await next.WaitForExitAsync()).ShouldBe(0, next.Stderr);
        }

        static string[] Own((string Cert, string Key, string Ca) files) => ["--ssl-cert", files.Cert, "--ssl-key", files.Key];
    }

    [Fact]
    public async Task A_plaintext_client_is_one_line_on_the_tls_listener_which_serves_the_next_client()
    {
        (DotcatRun listener, int port) = await ListenAsync("-k");
        await using (listener)
        {
            string pin = PinFrom(await listener.WaitForStderrAsync(l => l.Contains("pin it:", StringComparison.Ordinal)));
            await using (DotcatRun plain = DotcatRun.Start("127.0.0.1", port.ToString(CultureInfo.InvariantCulture)))
            {
                await plain.Stdin.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
                plain.CloseStdin();
                // Its data was read and thrown away: the listener resets, so the client does not take the end for an answer.
                (await plain.WaitForExitAsync()).ShouldBe(1, plain.Stderr);
                plain.Stderr.ShouldBe($"dotcat: connection with 127.0.0.1:{port} failed: connection reset by peer\n");
            }
            string line = await listener.WaitForStderrAsync(l => l.Contains(" failed: ", StringComparison.Ordinal));
            line.ShouldMatch(@"^dotcat: TLS with 127\.0\.0\.1:\d+ failed: peer did not speak TLS \(it sent 'GET / HTTP/1\.0\\r\\n\\r\\n'\)$");

            // A client that hangs up in the middle of the handshake (its hello sent, nothing read) is one line too.
            using (var hangUp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await hangUp.ConnectAsync(IPAddress.Loopback, port);
                await hangUp.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x40, 0x01 });
                hangUp.Shutdown(SocketShutdown.Send);
            }
            (await listener.WaitForStderrAsync(l => l.Contains("during the TLS handshake", StringComparison.Ordinal)))
                .ShouldMatch(@"^dotcat: TLS with 127\.0\.0\.1:\d+ failed: peer closed the connection during the TLS handshake$");

            await using DotcatRun client = DotcatRun.Start("--ssl", "--ssl-fingerprint", pin, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
            await client.Stdin.WriteAsync("after\n"u8.ToArray());
            client.CloseStdin();
            (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
            await listener.WaitForStderrAsync(l => l.Contains("bytes received", StringComparison.Ordinal));
            listener.Interrupt();
            await listener.WaitForExitAsync();
            (await listener.StdoutTextAsync()).ShouldBe("after\n");
        }
    }

    [Fact]
    public async Task A_tls_client_against_a_plaintext_listener_fails_cleanly_and_the_listener_lives_on()
    {
        await using DotcatRun listener = DotcatRun.Start("-lk", "-v", "127.0.0.1", "0");
        int port = await listener.WaitForListeningPortAsync();
        await using (DotcatRun tls = DotcatRun.Start("--ssl", "-w", "5", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)))
        {
            // The listener's stdin stays open, so it says nothing: -w ends the wait for a handshake.
            (await tls.WaitForExitAsync()).ShouldBe(1);
            tls.Stderr.ShouldBe($"dotcat: TLS with 127.0.0.1:{port} failed: no TLS handshake within 5s (-w)\n");
        }
        await using DotcatRun plain = DotcatRun.Start("127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        await plain.Stdin.WriteAsync("still here\n"u8.ToArray());
        plain.CloseStdin();
        (await plain.WaitForExitAsync()).ShouldBe(0, plain.Stderr);
        await listener.WaitForStderrAsync(l => l.Contains("11 bytes received", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plaintext_server_that_answers_is_named_as_not_speaking_tls()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen(1);
        int port = ((IPEndPoint)server.LocalEndPoint!).Port;
        Task greet = Task.Run(async () =>
        {
            using Socket accepted = await server.AcceptAsync();
            await accepted.SendAsync("220 mail.test ESMTP ready\r\n"u8.ToArray());
            await accepted.ReadToEndAsync();
        });
        await using DotcatRun client = DotcatRun.Start("--ssl", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        (await client.WaitForExitAsync()).ShouldBe(1);
        client.Stderr.ShouldBe($"dotcat: TLS with 127.0.0.1:{port} failed: peer did not speak TLS (it sent '220 mail.test ESMTP read')\n");
        await greet.WaitAsync(Timeout);
    }

    [Theory]
    [InlineData("--respond", "upper", "hello tls\n", "HELLO TLS\n")]
    [InlineData("--respond", "echo", "echo me\n", "echo me\n")]
    [InlineData("-c", "tr a-z A-Z", "from exec\n", "FROM EXEC\n")]
    public async Task Services_run_over_tls_unchanged(string option, string value, string sent, string expected)
    {
        if (option is "-c" && OperatingSystem.IsWindows())
            return;
        (DotcatRun listener, int port) = await ListenAsync(option is "-c" ? ["-k", option, value] : [option, value]);
        await using (listener)
        {
            string pin = PinFrom(await listener.WaitForStderrAsync(l => l.Contains("pin it:", StringComparison.Ordinal)));
            await using DotcatRun client = DotcatRun.Start("--ssl", "--ssl-fingerprint", pin, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
            await client.Stdin.WriteAsync(Encoding.UTF8.GetBytes(sent));
            client.CloseStdin();
            (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
            (await client.StdoutTextAsync()).ShouldBe(expected);
        }
    }

    [Fact]
    public async Task The_broker_relays_between_tls_clients()
    {
        (DotcatRun listener, int port) = await ListenAsync("--broker");
        await using (listener)
        {
            string pin = PinFrom(await listener.WaitForStderrAsync(l => l.Contains("pin it:", StringComparison.Ordinal)));
            string p = port.ToString(CultureInfo.InvariantCulture);
            await using DotcatRun alice = DotcatRun.Start("--ssl", "--ssl-fingerprint", pin, "127.0.0.1", p);
            await listener.WaitForStderrAsync(l => l.StartsWith("dotcat: TLS: ", StringComparison.Ordinal));
            await using DotcatRun bob = DotcatRun.Start("--ssl", "--ssl-fingerprint", pin, "127.0.0.1", p);
            await listener.WaitForStderrAsync(l => l.StartsWith("dotcat: TLS: ", StringComparison.Ordinal));
            await bob.Stdin.WriteAsync("to alice\n"u8.ToArray());
            await bob.Stdin.FlushAsync();
            bob.CloseStdin();
            (await bob.WaitForExitAsync()).ShouldBe(0, bob.Stderr);
            alice.CloseStdin();
            (await alice.WaitForExitAsync()).ShouldBe(0, alice.Stderr);
            (await alice.StdoutTextAsync()).ShouldBe("to alice\n");
        }
    }

    [Fact]
    public async Task Insecure_warns_always_and_a_peer_without_close_notify_is_noted_at_v()
    {
        using var cert = TestCertificates.SelfSigned("localhost");
        using var listenerSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listenerSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listenerSocket.Listen(1);
        int port = ((IPEndPoint)listenerSocket.LocalEndPoint!).Port;
        Task serve = Task.Run(async () =>
        {
            using Socket accepted = await listenerSocket.AcceptAsync();
            await using var tls = new System.Net.Security.SslStream(new NetworkStream(accepted));
            await tls.AuthenticateAsServerAsync(Dotcat.Tls.TlsFiles.ForSslStream(cert));
            await tls.WriteAsync("bye\n"u8.ToArray());
            // No close_notify: the TCP connection just ends.
            accepted.Shutdown(SocketShutdown.Both);
        });
        await using DotcatRun client = DotcatRun.Start(["--ssl", "--ssl-insecure", "-v", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], stdinIsTerminal: true);
        (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
        await serve.WaitAsync(Timeout);
        (await client.StdoutTextAsync()).ShouldBe("bye\n");
        client.Stderr.ShouldContain($"dotcat: --ssl-insecure: the certificate of 127.0.0.1:{port} is not verified;");
        client.Stderr.ShouldContain($"dotcat: TLS: 127.0.0.1:{port} ended the connection without close_notify (its data was kept;");
    }

    [Fact]
    public async Task Alpn_is_negotiated_and_idle_timeout_applies_over_tls()
    {
        (DotcatRun listener, int port) = await ListenAsync("--ssl-alpn", "h2,http/1.1");
        await using (listener)
        {
            string pin = PinFrom(await listener.WaitForStderrAsync(l => l.Contains("pin it:", StringComparison.Ordinal)));
            await using DotcatRun client = DotcatRun.Start("--ssl", "-v", "--ssl-alpn", "http/1.1", "--ssl-fingerprint", pin, "-i", "1", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
            (await client.WaitForExitAsync()).ShouldBe(1);
            client.Stderr.ShouldContain(", ALPN http/1.1, peer CN=127.0.0.1");
            client.Stderr.ShouldContain($"dotcat: 127.0.0.1:{port}: idle timeout: no data for 1s");
        }
    }
}
