using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dotcat.Tests.Support;
using Dotcat.Tls;

namespace Dotcat.Tests.Tls;

/// <summary>
/// The TLS core against real TLS implementations (OpenSSL's own tools, ncat, socat), at the stream level: each side of
/// the handshake here is TlsConnector, the other a peer process on loopback, stopped by its PID at the end.
/// </summary>
public sealed class TlsInteropTests : IDisposable
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

    /// <summary>A leaf for localhost/127.0.0.1 issued by the test CA, written as PEM; and the CA as the trust file.</summary>
    private (string Cert, string Key, string Ca) ServerFiles(bool rsa = false, string name = "localhost", bool client = false)
    {
        using X509Certificate2 leaf = TestCertificates.Issue(_ca, name, rsa: rsa, client: client);
        return (Write(name + ".crt", TestCertificates.CertPem(leaf)), Write(name + ".key", TestCertificates.KeyPem(leaf)), Write("ca.pem", TestCertificates.CertPem(_ca)));
    }

    /// <summary>s_server cannot take port 0: bind one, free it, hand it over.</summary>
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>s_server says <c>ACCEPT</c> on stdout once it listens (after other lines, such as about DH parameters).</summary>
    private static async Task WaitForTextAsync(ProgressStream output, string text)
    {
        while (!Encoding.ASCII.GetString(output.ToArray()).Contains(text, StringComparison.Ordinal))
            await output.WaitForAsync(output.Count + 1);
    }

    private static async Task<Socket> ListenAsync(Func<Socket, Task> serve)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _ = Task.Run(async () =>
        {
            using (listener)
                await serve(await listener.AcceptAsync());
        });
        await Task.CompletedTask;
        return listener;
    }

    [PeerTheory("openssl")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Client_fetches_a_page_from_openssl_s_server_trusting_its_ca(bool rsa)
    {
        (string cert, string key, string ca) = ServerFiles(rsa);
        int port = FreePort();
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("openssl")!,
            ["s_server", "-www", "-cert", cert, "-key", key, "-accept", $"127.0.0.1:{port}"], serverOut);
        await WaitForTextAsync(serverOut, "ACCEPT\n");

        using var socket = await Sockets.ConnectAsync(port);
        var settings = new TlsClientSettings("localhost", TrustRoots: TlsFiles.LoadTrust(ca));
        await using TlsDuplex tls = await TlsConnector.ClientAsync(socket, $"127.0.0.1:{port}", settings, CancellationToken.None).WaitAsync(TlsPair.Timeout);
        await tls.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), CancellationToken.None);
        string page = Encoding.ASCII.GetString(await tls.ReadAllAsync().WaitAsync(TlsPair.Timeout));

        page.ShouldStartWith("HTTP/1.0 200 ok");
        page.ShouldContain("TLSv1.3");
        tls.Session.PeerSubject.ShouldBe("CN=localhost");
    }

    [PeerFact("openssl")]
    public async Task Client_against_s_server_without_trust_names_the_untrusted_issuer()
    {
        (string cert, string key, _) = ServerFiles();
        int port = FreePort();
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("openssl")!,
            ["s_server", "-www", "-cert", cert, "-key", key, "-accept", $"127.0.0.1:{port}"], serverOut);
        await WaitForTextAsync(serverOut, "ACCEPT\n");

        using var socket = await Sockets.ConnectAsync(port);
        var settings = new TlsClientSettings("localhost", TrustRoots: [TestCertificates.CreateCa("someone else")]);
        TlsException error = await Should.ThrowAsync<TlsException>(
            TlsConnector.ClientAsync(socket, $"127.0.0.1:{port}", settings, CancellationToken.None).WaitAsync(TlsPair.Timeout));
        error.Message.ShouldBe($"TLS with 127.0.0.1:{port} failed: certificate not trusted (issuer 'CN=dotcat test CA' is not in --ssl-trustfile; "
            + "--ssl-trustfile FILE, --ssl-fingerprint SHA256 or --ssl-insecure)");
    }

    [PeerTheory("openssl")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Openssl_s_client_verifies_the_server_and_both_ways_flow(bool mutual)
    {
        (string cert, string key, string ca) = ServerFiles();
        (string clientCert, string clientKey, _) = ServerFiles(name: "alice", client: true);
        var settings = new TlsServerSettings(TlsFiles.LoadCertificate(cert, key), ClientRoots: mutual ? TlsFiles.LoadTrust(ca) : null);
        var served = new TaskCompletionSource<(string Got, TlsSession Session)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using Socket listener = await ListenAsync(async accepted =>
        {
            try
            {
                await using TlsDuplex tls = await TlsConnector.ServerAsync(accepted, "client", settings, CancellationToken.None);
                var buffer = new byte[64];
                int read = await tls.ReadAsync(buffer, CancellationToken.None);
                await tls.WriteAsync("pong\n"u8.ToArray(), CancellationToken.None);
                await tls.CompleteWritesAsync();
                served.TrySetResult((Encoding.ASCII.GetString(buffer, 0, read), tls.Session));
            }
            catch (Exception e)
            {
                served.TrySetException(e);
            }
        });
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var clientOut = new ProgressStream();
        string[] identity = mutual ? ["-cert", clientCert, "-key", clientKey] : [];
        await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("openssl")!,
            ["s_client", "-quiet", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-verify_hostname", "localhost",
             "-CAfile", ca, "-verify_return_error", .. identity], clientOut);
        await client.Stdin.WriteAsync("ping\n"u8.ToArray());
        await client.Stdin.FlushAsync();

        (string got, TlsSession session) = await served.Task.WaitAsync(TlsPair.Timeout);
        got.ShouldBe("ping\n");
        await clientOut.WaitForAsync(5);
        Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("pong\n");
        session.PeerSubject.ShouldBe(mutual ? "CN=alice" : null);
    }

    [PeerFact("openssl")]
    public async Task Openssl_s_client_without_a_certificate_is_refused_by_verify_client()
    {
        (string cert, string key, string ca) = ServerFiles();
        var settings = new TlsServerSettings(TlsFiles.LoadCertificate(cert, key), ClientRoots: TlsFiles.LoadTrust(ca));
        var served = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using Socket listener = await ListenAsync(async accepted =>
        {
            try
            {
                await using TlsDuplex tls = await TlsConnector.ServerAsync(accepted, "client", settings, CancellationToken.None);
                served.TrySetResult("accepted");
            }
            catch (TlsException e)
            {
                served.TrySetResult(e.Reason);
            }
        });
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("openssl")!,
            ["s_client", "-quiet", "-connect", $"127.0.0.1:{port}", "-CAfile", ca], new ProgressStream());
        await client.Stdin.WriteAsync("ping\n"u8.ToArray());
        await client.Stdin.FlushAsync();
        (await served.Task.WaitAsync(TlsPair.Timeout)).ShouldBe("client sent no certificate (--ssl-verify-client requires one)");
    }

    [PeerFact("ncat")]
    public async Task Ncat_ssl_client_with_verification_talks_to_the_server_side()
    {
        (string cert, string key, string ca) = ServerFiles();
        var settings = new TlsServerSettings(TlsFiles.LoadCertificate(cert, key));
        var served = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        using Socket listener = await ListenAsync(async accepted =>
        {
            try
            {
                await using TlsDuplex tls = await TlsConnector.ServerAsync(accepted, "client", settings, CancellationToken.None);
                await tls.WriteAsync("from dotcat\n"u8.ToArray(), CancellationToken.None);
                await tls.CompleteWritesAsync();
                served.TrySetResult(await tls.ReadAllAsync());
            }
            catch (Exception e)
            {
                served.TrySetException(e);
            }
        });
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var clientOut = new ProgressStream();
        await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("ncat")!,
            ["--ssl", "--ssl-verify", "--ssl-trustfile", ca, "localhost", port.ToString()], clientOut);
        byte[] up = Peers.RandomBytes(100_000);
        await client.Stdin.WriteAsync(up);
        client.CloseStdin();

        (await served.Task.WaitAsync(TlsPair.Timeout)).ShouldBe(up);
        await clientOut.WaitForAsync(12);
        Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("from dotcat\n");
    }

    [PeerFact("socat")]
    public async Task Client_and_socat_openssl_listen_exchange_and_half_close()
    {
        (string cert, string key, string ca) = ServerFiles();
        int port = FreePort();
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("socat")!,
            // -t 30: socat ends the other direction 0.5 s after one ends, too soon on a loaded machine.
            ["-d", "-d", "-t", "30", $"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,cert={cert},key={key},verify=0", "STDIO"], serverOut);
        await server.WaitForStderrAsync(l => l.Contains("listening on", StringComparison.Ordinal));

        using var socket = await Sockets.ConnectAsync(port);
        var settings = new TlsClientSettings("localhost", TrustRoots: TlsFiles.LoadTrust(ca));
        await using TlsDuplex tls = await TlsConnector.ClientAsync(socket, $"127.0.0.1:{port}", settings, CancellationToken.None).WaitAsync(TlsPair.Timeout);
        byte[] up = Peers.RandomBytes(200_000);
        await tls.WriteAsync(up, CancellationToken.None);
        await tls.CompleteWritesAsync();
        await serverOut.WaitForAsync(up.Length);
        serverOut.ToArray().ShouldBe(up);

        await server.Stdin.WriteAsync("bye\n"u8.ToArray());
        server.CloseStdin();
        Encoding.ASCII.GetString(await tls.ReadAllAsync().WaitAsync(TlsPair.Timeout)).ShouldBe("bye\n");
    }

    [PeerFact("socat")]
    public async Task Socat_openssl_client_verifies_the_server_side()
    {
        (string cert, string key, string ca) = ServerFiles();
        var settings = new TlsServerSettings(TlsFiles.LoadCertificate(cert, key));
        var served = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        using Socket listener = await ListenAsync(async accepted =>
        {
            try
            {
                await using TlsDuplex tls = await TlsConnector.ServerAsync(accepted, "client", settings, CancellationToken.None);
                byte[] got = await tls.ReadAllAsync();
                await tls.WriteAsync("done\n"u8.ToArray(), CancellationToken.None);
                await tls.CompleteWritesAsync();
                served.TrySetResult(got);
            }
            catch (Exception e)
            {
                served.TrySetException(e);
            }
        });
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var clientOut = new ProgressStream();
        await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("socat")!,
            ["STDIO", $"OPENSSL:localhost:{port},cafile={ca}"], clientOut);
        byte[] up = Peers.RandomBytes(50_000);
        await client.Stdin.WriteAsync(up);
        client.CloseStdin();

        (await served.Task.WaitAsync(TlsPair.Timeout)).ShouldBe(up);
        await clientOut.WaitForAsync(5);
        Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("done\n");
        (await client.WaitForExitAsync()).ShouldBe(0);
    }
}
