using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dotcat.Tls;

namespace Dotcat.Tests.Tls;

public sealed class TlsHandshakeTests
{
    private static readonly TlsCertificate Throwaway = SelfSignedCertificate.Create();

    private static TlsClientSettings Pinned(TlsCertificate server, string name = "localhost") =>
        new(name, TlsTrust.Pin, Pin: server.Fingerprint);

    [Fact]
    public async Task Sixty_four_MiB_cross_both_ways_byte_exact()
    {
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(Pinned(Throwaway), new TlsServerSettings(Throwaway));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
        byte[] up = RandomNumberGenerator.GetBytes(64 << 20);
        byte[] down = RandomNumberGenerator.GetBytes(64 << 20);

        async Task SendAsync(TlsDuplex side, byte[] data)
        {
            for (int offset = 0; offset < data.Length; offset += 256 * 1024)
                await side.WriteAsync(data.AsMemory(offset, Math.Min(256 * 1024, data.Length - offset)), CancellationToken.None);
            await side.CompleteWritesAsync();
        }

        Task<byte[]> atServer = s.ReadAllAsync();
        Task<byte[]> atClient = c.ReadAllAsync();
        await Task.WhenAll(SendAsync(c, up), SendAsync(s, down), atServer, atClient).WaitAsync(TimeSpan.FromMinutes(2));

        SHA256.HashData(await atServer).ShouldBe(SHA256.HashData(up));
        SHA256.HashData(await atClient).ShouldBe(SHA256.HashData(down));
        c.EndedWithoutCloseNotify.ShouldBeFalse();
        s.EndedWithoutCloseNotify.ShouldBeFalse();
    }

    /// <summary>
    /// A close_notify sent while the other way streams in (a listener whose stdin was empty) must not race the read's
    /// decryption inside OpenSSL: before the turn in WatchedStream, 3 sessions in 100 failed like this with "bad record
    /// mac", "wrong version number" or SSL_ERROR_SYSCALL. 100 sessions, so that race would show in most runs.
    /// </summary>
    [Fact]
    public async Task A_close_notify_sent_while_data_streams_in_never_breaks_the_session()
    {
        byte[] up = RandomNumberGenerator.GetBytes(2 << 20);
        for (int session = 0; session < 100; session++)
        {
            (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(Pinned(Throwaway), new TlsServerSettings(Throwaway));
            await using TlsDuplex c = await client;
            await using TlsDuplex s = await server;
            Task<byte[]> atServer = s.ReadAllAsync();
            async Task SendAsync()
            {
                for (int offset = 0; offset < up.Length; offset += 64 * 1024)
                    await c.WriteAsync(up.AsMemory(offset, 64 * 1024), CancellationToken.None);
                await c.CompleteWritesAsync();
            }
            Task sending = SendAsync();
            await s.CompleteWritesAsync();
            (await c.ReadAllAsync().WaitAsync(TlsPair.Timeout)).ShouldBeEmpty();
            await sending.WaitAsync(TlsPair.Timeout);
            (await atServer.WaitAsync(TlsPair.Timeout)).Length.ShouldBe(up.Length, $"session {session}");
        }
    }

    [Theory]
    [InlineData(true, SslProtocols.Tls13)]
    [InlineData(false, SslProtocols.Tls13)]
    [InlineData(true, SslProtocols.Tls12)]
    [InlineData(false, SslProtocols.Tls12)]
    public async Task Half_close_sends_close_notify_and_the_other_way_goes_on(bool clientEndsFirst, SslProtocols protocol)
    {
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            Pinned(Throwaway), new TlsServerSettings(Throwaway, Protocols: protocol));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
        (TlsDuplex first, TlsDuplex second) = clientEndsFirst ? (c, s) : (s, c);

        await first.WriteAsync("request"u8.ToArray(), CancellationToken.None);
        await first.CompleteWritesAsync();
        (await second.ReadAllAsync().WaitAsync(TlsPair.Timeout)).ShouldBe("request"u8.ToArray());
        second.EndedWithoutCloseNotify.ShouldBeFalse();

        // The side that got the close_notify still writes, and the side that sent it still reads.
        await second.WriteAsync("reply"u8.ToArray(), CancellationToken.None);
        await second.CompleteWritesAsync();
        (await first.ReadAllAsync().WaitAsync(TlsPair.Timeout)).ShouldBe("reply"u8.ToArray());
        first.EndedWithoutCloseNotify.ShouldBeFalse();
    }

    [Fact]
    public async Task A_peer_that_ends_without_close_notify_keeps_its_data_and_is_flagged()
    {
        (Socket raw, Socket accepted) = await TlsPair.ConnectAsync();
        Task<TlsDuplex> serverSide = TlsConnector.ServerAsync(accepted, "client", new TlsServerSettings(Throwaway), CancellationToken.None);
        using var transport = new NetworkStream(raw, ownsSocket: true);
        await using var ssl = new System.Net.Security.SslStream(transport, leaveInnerStreamOpen: true, (_, certificate, _, _) => certificate is X509Certificate2 leaf && Fingerprint.Of(leaf).Equals(Throwaway.Fingerprint));
        await ssl.AuthenticateAsClientAsync("localhost").WaitAsync(TlsPair.Timeout);
        await using TlsDuplex s = await serverSide;

        await ssl.WriteAsync("kept"u8.ToArray());
        raw.Shutdown(SocketShutdown.Send); // a FIN with no close_notify before it

        (await s.ReadAllAsync().WaitAsync(TlsPair.Timeout)).ShouldBe("kept"u8.ToArray());
        s.EndedWithoutCloseNotify.ShouldBeTrue();
    }

    [Fact]
    public async Task Waiting_for_input_holds_no_buffer_and_ends_when_data_comes()
    {
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(Pinned(Throwaway), new TlsServerSettings(Throwaway));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;

        // TLS 1.3 session tickets reach the client after its handshake; a wait may see them, so wait until quiet.
        ValueTask wait = s.WaitForInputAsync(CancellationToken.None);
        await Task.Delay(200);
        wait.IsCompleted.ShouldBeFalse();
        await c.WriteAsync("x"u8.ToArray(), CancellationToken.None);
        await wait.AsTask().WaitAsync(TlsPair.Timeout);
        var buffer = new byte[8];
        (await s.ReadAsync(buffer, CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task Session_line_names_protocol_cipher_alpn_and_peer()
    {
        var alpn = new List<System.Net.Security.SslApplicationProtocol> { new("h2"), new("http/1.1") };
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            Pinned(Throwaway) with { Alpn = alpn }, new TlsServerSettings(Throwaway, Alpn: [new("http/1.1")]));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;

        c.Session.Describe().ShouldBe(
            $"TLS: TLSv1.3 {c.Session.CipherSuite}, ALPN http/1.1, peer {Throwaway.Leaf.Subject} SHA256 {Throwaway.Fingerprint}");
        c.Session.CipherSuite.ToString().ShouldStartWith("TLS_");
        s.Session.Describe().ShouldEndWith("ALPN http/1.1, peer sent no certificate");
    }

    [Fact]
    public async Task Min_version_1_2_still_speaks_1_2_with_a_1_2_only_peer()
    {
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            Pinned(Throwaway), new TlsServerSettings(Throwaway, Protocols: SslProtocols.Tls12));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
        c.Session.Describe().ShouldStartWith("TLS: TLSv1.2 ");
    }

    [Fact]
    public async Task Min_version_1_3_refuses_a_1_2_only_server()
    {
        (TlsVersions.TryParseMinimum("1.3", out var protocols, out _)).ShouldBeTrue();
        (Task<TlsDuplex> client, _) = await TlsPair.HandshakeAsync(
            Pinned(Throwaway) with { Protocols = protocols },
            new TlsServerSettings(Throwaway, Protocols: SslProtocols.Tls12));
        (await Should.ThrowAsync<TlsException>(client)).Reason.ShouldContain("no TLS version in common with the server");
    }

    [Fact]
    public async Task Trust_file_with_the_ca_accepts_a_full_chain_and_the_name()
    {
        using X509Certificate2 ca = TestCertificates.CreateCa();
        using X509Certificate2 intermediate = TestCertificates.Issue(ca, "dotcat intermediate", isCa: true);
        using X509Certificate2 leaf = TestCertificates.Issue(intermediate, "localhost");
        var settings = new TlsClientSettings("localhost", TrustRoots: [X509CertificateLoader.LoadCertificate(ca.RawData)]);

        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            settings, new TlsServerSettings(TestCertificates.AsTls(leaf, intermediate)));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
        c.Session.PeerSubject.ShouldBe("CN=localhost");
    }

    [Fact]
    public async Task Ip_address_target_matches_the_ip_name()
    {
        using X509Certificate2 ca = TestCertificates.CreateCa();
        using X509Certificate2 leaf = TestCertificates.Issue(ca, "localhost");
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            new TlsClientSettings("127.0.0.1", TrustRoots: [ca]), new TlsServerSettings(TestCertificates.AsTls(leaf)));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
    }

    public static TheoryData<string> Failures => ["untrusted", "untrusted-issuer", "expired", "not-yet-valid", "wrong-name", "wrong-pin"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Every_verification_failure_has_its_own_message(string failure)
    {
        using X509Certificate2 ca = TestCertificates.CreateCa();
        using X509Certificate2 otherCa = TestCertificates.CreateCa("another CA");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        (X509Certificate2 serverCert, TlsClientSettings settings, string expected) = failure switch
        {
            "untrusted" => (TestCertificates.SelfSigned("localhost"), new TlsClientSettings("localhost"),
                "certificate not trusted (self-signed; --ssl-trustfile FILE, --ssl-fingerprint SHA256 or --ssl-insecure)"),
            "untrusted-issuer" => (TestCertificates.Issue(ca, "localhost"), new TlsClientSettings("localhost", TrustRoots: [otherCa]),
                "certificate not trusted (issuer 'CN=dotcat test CA' is not in --ssl-trustfile; --ssl-trustfile FILE, --ssl-fingerprint SHA256 or --ssl-insecure)"),
            "expired" => (TestCertificates.Issue(ca, "localhost", notBefore: now.AddDays(-10), notAfter: now.AddDays(-2)),
                new TlsClientSettings("localhost", TrustRoots: [ca]), "certificate expired on "),
            "not-yet-valid" => (TestCertificates.Issue(ca, "localhost", notBefore: now.AddDays(2), notAfter: now.AddDays(9)),
                new TlsClientSettings("localhost", TrustRoots: [ca]), "certificate not valid before "),
            "wrong-name" => (TestCertificates.Issue(ca, "localhost", dnsNames: ["a.test", "b.test"]),
                new TlsClientSettings("c.test", TrustRoots: [ca]),
                "certificate is for a.test, b.test, 127.0.0.1, not 'c.test' (--ssl-servername NAME, --ssl-fingerprint SHA256 or --ssl-insecure)"),
            _ => (TestCertificates.SelfSigned("localhost"),
                new TlsClientSettings("localhost", TlsTrust.Pin, Pin: Throwaway.Fingerprint),
                "certificate fingerprint mismatch: the server's is "),
        };
        using (serverCert)
        {
            (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(settings, new TlsServerSettings(TestCertificates.AsTls(serverCert)));
            TlsException error = await Should.ThrowAsync<TlsException>(client);
            error.Reason.ShouldStartWith(expected);
            error.Message.ShouldStartWith("TLS with 127.0.0.1:1 failed: ");
            if (failure is "wrong-pin")
                error.Reason.ShouldBe($"certificate fingerprint mismatch: the server's is {Fingerprint.Of(serverCert)}, not the pinned {Throwaway.Fingerprint}");
            // TLS 1.3: the listener's handshake was over when the client refused; it learns so at its first read.
            var serverError = await Should.ThrowAsync<TlsException>(async () =>
            {
                await using TlsDuplex s = await server;
                await s.ReadAllAsync().WaitAsync(TlsPair.Timeout);
            });
            serverError.Reason.ShouldBe("client hung up right after the handshake (did it refuse the certificate?)");
        }
    }

    [Fact]
    public async Task Pinning_accepts_exactly_that_leaf_even_expired_and_misnamed()
    {
        using X509Certificate2 old = TestCertificates.SelfSigned("elsewhere.test", DateTimeOffset.UtcNow.AddDays(-9), DateTimeOffset.UtcNow.AddDays(-1));
        TlsCertificate server = TestCertificates.AsTls(old);
        (Task<TlsDuplex> client, Task<TlsDuplex> serverSide) = await TlsPair.HandshakeAsync(Pinned(server, "localhost"), new TlsServerSettings(server));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await serverSide;
    }

    [Fact]
    public async Task Insecure_accepts_anything()
    {
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            new TlsClientSettings("not-the-name.test", TlsTrust.Insecure), new TlsServerSettings(Throwaway));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
        TlsMessages.InsecureWarning("127.0.0.1:1").ShouldContain("not verified");
    }

    [Fact]
    public async Task Mutual_tls_accepts_a_client_certificate_from_the_trusted_ca()
    {
        using X509Certificate2 ca = TestCertificates.CreateCa();
        using X509Certificate2 clientCert = TestCertificates.Issue(ca, "alice", client: true);
        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            Pinned(Throwaway) with { Certificate = TestCertificates.AsTls(clientCert) },
            new TlsServerSettings(Throwaway, ClientRoots: [ca]));
        await using TlsDuplex c = await client;
        await using TlsDuplex s = await server;
        s.Session.PeerSubject.ShouldBe("CN=alice");
    }

    [Theory]
    [InlineData("none", "client sent no certificate (--ssl-verify-client requires one)", "server requires a client certificate (--ssl-cert FILE --ssl-key FILE)")]
    [InlineData("untrusted", "client certificate 'CN=mallory' not trusted (not issued by a certificate in --ssl-trustfile)", "server hung up after receiving the client certificate (it refused it?)")]
    public async Task Mutual_tls_refuses_a_missing_or_untrusted_client_certificate(string clientHas, string serverReason, string clientReason)
    {
        await MutualRefusalAsync(clientHas, serverReason, clientReason, SslProtocols.Tls13);
    }

    [Theory]
    [InlineData("none", "client sent no certificate (--ssl-verify-client requires one)", "server requires a client certificate (--ssl-cert FILE --ssl-key FILE)")]
    [InlineData("untrusted", "client certificate 'CN=mallory' not trusted (not issued by a certificate in --ssl-trustfile)", "server hung up after receiving the client certificate (it refused it?)")]
    public async Task Mutual_tls_refusal_with_tls_1_2_is_named_the_same_way(string clientHas, string serverReason, string clientReason)
    {
        await MutualRefusalAsync(clientHas, serverReason, clientReason, SslProtocols.Tls12);
    }

    private static async Task MutualRefusalAsync(string clientHas, string serverReason, string clientReason, SslProtocols protocol)
    {
        using X509Certificate2 ca = TestCertificates.CreateCa();
        using X509Certificate2 otherCa = TestCertificates.CreateCa("another CA");
        using X509Certificate2 mallory = TestCertificates.Issue(otherCa, "mallory", client: true);
        TlsClientSettings settings = clientHas is "none" ? Pinned(Throwaway) : Pinned(Throwaway) with { Certificate = TestCertificates.AsTls(mallory) };

        (Task<TlsDuplex> client, Task<TlsDuplex> server) = await TlsPair.HandshakeAsync(
            settings, new TlsServerSettings(Throwaway, ClientRoots: [ca], Protocols: protocol));
        (await Should.ThrowAsync<TlsException>(server)).Reason.ShouldBe(serverReason);

        // TLS 1.3: the client's handshake is over before the server checks; the refusal comes with the first read.
        var error = await Should.ThrowAsync<TlsException>(async () =>
        {
            await using TlsDuplex c = await client;
            await c.ReadAllAsync().WaitAsync(TlsPair.Timeout);
        });
        error.Reason.ShouldBe(clientReason);
    }

    [Fact]
    public async Task A_plaintext_client_at_a_tls_listener_is_named_as_such()
    {
        (Socket plain, Socket accepted) = await TlsPair.ConnectAsync();
        using (plain)
        {
            Task<TlsDuplex> server = TlsConnector.ServerAsync(accepted, "client 127.0.0.1:5", new TlsServerSettings(Throwaway), CancellationToken.None);
            await plain.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            TlsException error = await Should.ThrowAsync<TlsException>(server.WaitAsync(TlsPair.Timeout));
            error.Message.ShouldBe("TLS with client 127.0.0.1:5 failed: peer did not speak TLS (it sent 'GET / HTTP/1.0\\r\\n\\r\\n')");
        }
    }

    [Fact]
    public async Task A_tls_client_at_a_plaintext_server_is_told_so()
    {
        (Socket client, Socket plain) = await TlsPair.ConnectAsync();
        using (plain)
        {
            Task<TlsDuplex> tls = TlsConnector.ClientAsync(client, "127.0.0.1:25", Pinned(Throwaway), CancellationToken.None);
            await plain.SendAsync(Encoding.ASCII.GetBytes("220 mail.test ESMTP ready\r\n"));
            TlsException error = await Should.ThrowAsync<TlsException>(tls.WaitAsync(TlsPair.Timeout));
            error.Reason.ShouldBe("peer did not speak TLS (it sent '220 mail.test ESMTP read')");
        }
    }

    [Fact]
    public async Task A_peer_that_closes_before_the_handshake_is_named()
    {
        (Socket client, Socket plain) = await TlsPair.ConnectAsync();
        plain.Dispose();
        TlsException error = await Should.ThrowAsync<TlsException>(
            TlsConnector.ClientAsync(client, "127.0.0.1:9", Pinned(Throwaway), CancellationToken.None).WaitAsync(TlsPair.Timeout));
        error.Reason.ShouldBeOneOf("peer closed the connection before the TLS handshake", "connection reset by peer");
    }

    [Fact]
    public async Task The_handshake_is_cancellable()
    {
        (Socket client, Socket silent) = await TlsPair.ConnectAsync();
        using (silent)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Should.ThrowAsync<OperationCanceledException>(
                TlsConnector.ClientAsync(client, "127.0.0.1:9", Pinned(Throwaway), timeout.Token).WaitAsync(TlsPair.Timeout));
        }
    }
}
