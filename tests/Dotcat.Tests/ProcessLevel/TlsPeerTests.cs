using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dotcat.Tests.Support;
using Dotcat.Tests.Tls;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// The dotcat binary with <c>--ssl</c> against real TLS peers, both ways: OpenSSL's s_server and s_client, ncat, socat
/// and curl. Certificates are made by the test; every peer runs on loopback and is stopped by its PID.
/// </summary>
public sealed class TlsPeerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();
    private readonly string _cert, _key, _caFile;

    public TlsPeerTests()
    {
        using X509Certificate2 leaf = TestCertificates.Issue(_ca, "localhost");
        _cert = Write("server.crt", TestCertificates.CertPem(leaf));
        _key = Write("server.key", TestCertificates.KeyPem(leaf));
        _caFile = Write("ca.pem", TestCertificates.CertPem(_ca));
    }

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

    /// <summary>s_server, ncat and socat cannot report a port 0: bind one, free it, hand it over.</summary>
    private static string FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
    }

    private async Task<(DotcatProcess Listener, string Port)> DotcatListenerAsync(ProgressStream output, string? stdinFile = null)
    {
        DotcatProcess listener = DotcatProcess.Start(["-l", "-v", "--ssl", "--ssl-cert", _cert, "--ssl-key", _key, "127.0.0.1", "0"], output, stdinFile: stdinFile);
        int port = await listener.WaitForListeningPortAsync();
        return (listener, port.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task WaitForTextAsync(ProgressStream output, string text)
    {
        while (!Encoding.ASCII.GetString(output.ToArray()).Contains(text, StringComparison.Ordinal))
            await output.WaitForAsync(output.Count + 1);
    }

    [PeerFact("openssl")]
    public async Task Dotcat_fetches_a_page_from_openssl_s_server_trusting_its_certificate_file()
    {
        string port = FreePort();
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("openssl")!,
            ["s_server", "-www", "-cert", _cert, "-key", _key, "-accept", $"127.0.0.1:{port}"], serverOut);
        await WaitForTextAsync(serverOut, "ACCEPT\n");

        await using DotcatProcess client = DotcatProcess.Start("--ssl", "--ssl-trustfile", _caFile, "localhost", port);
        await client.Stdin.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        client.CloseStdin();
        (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
        (await client.StdoutTextAsync()).ShouldStartWith("HTTP/1.0 200 ok");
    }

    [PeerFact("openssl")]
    public async Task Openssl_s_client_verifies_the_dotcat_listener_and_both_ways_flow()
    {
        using var listenerOut = new ProgressStream();
        (DotcatProcess listener, string port) = await DotcatListenerAsync(listenerOut);
        await using (listener)
        {
            using var clientOut = new ProgressStream();
            await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("openssl")!,
                ["s_client", "-quiet", "-verify_return_error", "-verify_hostname", "localhost", "-CAfile", _caFile, "-connect", $"127.0.0.1:{port}"], clientOut);
            await client.Stdin.WriteAsync("from s_client\n"u8.ToArray());
            await client.Stdin.FlushAsync();
            await listenerOut.WaitForAsync(14);
            await listener.Stdin.WriteAsync("from dotcat\n"u8.ToArray());
            listener.CloseStdin();
            await clientOut.WaitForAsync(12);
            Encoding.ASCII.GetString(listenerOut.ToArray()).ShouldBe("from s_client\n");
            Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("from dotcat\n");
        }
    }

    [PeerFact("ncat")]
    public async Task Ncat_ssl_verify_client_and_the_dotcat_listener_exchange_100_KB_each_way()
    {
        using var listenerOut = new ProgressStream();
        (DotcatProcess listener, string port) = await DotcatListenerAsync(listenerOut);
        await using (listener)
        {
            using var clientOut = new ProgressStream();
            await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("ncat")!,
                ["--ssl", "--ssl-verify", "--ssl-trustfile", _caFile, "localhost", port], clientOut);
            byte[] up = Peers.RandomBytes(100_000), down = Peers.RandomBytes(100_000);
            await client.Stdin.WriteAsync(up);
            await client.Stdin.FlushAsync();
            await listener.Stdin.WriteAsync(down);
            await listener.Stdin.FlushAsync();
            await listenerOut.WaitForAsync(up.Length);
            await clientOut.WaitForAsync(down.Length);
            listenerOut.ToArray().ShouldBe(up);
            clientOut.ToArray().ShouldBe(down);
        }
    }

    [PeerFact("ncat")]
    public async Task The_dotcat_client_verifies_an_ncat_ssl_listener()
    {
        string port = FreePort();
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("ncat")!,
            ["-v", "-l", "--ssl", "--ssl-cert", _cert, "--ssl-key", _key, "127.0.0.1", port], serverOut);
        await server.WaitForStderrAsync(l => l.Contains("Listening on", StringComparison.Ordinal));

        using var clientOut = new ProgressStream();
        await using DotcatProcess client = DotcatProcess.Start(["--ssl", "--ssl-trustfile", _caFile, "localhost", port], clientOut);
        byte[] up = Peers.RandomBytes(100_000);
        await client.Stdin.WriteAsync(up);
        await client.Stdin.FlushAsync();
        await serverOut.WaitForAsync(up.Length);
        serverOut.ToArray().ShouldBe(up);
        await server.Stdin.WriteAsync("bye\n"u8.ToArray());
        await server.Stdin.FlushAsync();
        await clientOut.WaitForAsync(4);
        Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("bye\n");
    }

    [PeerFact("socat")]
    public async Task Socat_openssl_client_verifies_the_dotcat_listener_and_both_halves_close()
    {
        string response = Write("down.bin", "from dotcat\n");
        using var listenerOut = new ProgressStream();
        (DotcatProcess listener, string port) = await DotcatListenerAsync(listenerOut, stdinFile: response);
        await using (listener)
        {
            using var clientOut = new ProgressStream();
            await using DotcatProcess client = DotcatProcess.StartProgram(Peers.Find("socat")!,
                ["-t", "30", "STDIO", $"OPENSSL:localhost:{port},cafile={_caFile}"], clientOut);
            byte[] up = Peers.RandomBytes(200_000);
            await client.Stdin.WriteAsync(up);
            client.CloseStdin();

            (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
            (await listener.WaitForExitAsync()).ShouldBe(0, listener.Stderr);
            listenerOut.ToArray().ShouldBe(up);
            Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("from dotcat\n");
        }
    }

    [PeerFact("socat")]
    public async Task The_dotcat_client_and_socat_openssl_listen_exchange_and_end_cleanly()
    {
        string port = FreePort();
        using var serverOut = new ProgressStream();
        await using DotcatProcess server = DotcatProcess.StartProgram(Peers.Find("socat")!,
            ["-d", "-d", "-t", "30", $"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,cert={_cert},key={_key},verify=0", "STDIO"], serverOut);
        await server.WaitForStderrAsync(l => l.Contains("listening on", StringComparison.Ordinal));

        using var clientOut = new ProgressStream();
        await using DotcatProcess client = DotcatProcess.Start(["--ssl", "--ssl-trustfile", _caFile, "localhost", port], clientOut);
        byte[] up = Peers.RandomBytes(200_000);
        await client.Stdin.WriteAsync(up);
        client.CloseStdin();
        await serverOut.WaitForAsync(up.Length);
        serverOut.ToArray().ShouldBe(up);
        await server.Stdin.WriteAsync("bye\n"u8.ToArray());
        server.CloseStdin();
        (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
        Encoding.ASCII.GetString(clientOut.ToArray()).ShouldBe("bye\n");
    }

    [PeerFact("curl")]
    public async Task Curl_fetches_a_canned_response_from_the_dotcat_listener()
    {
        string response = Write("response.http", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 15\r\n\r\nhello over tls\n");
        using var listenerOut = new ProgressStream();
        (DotcatProcess listener, string port) = await DotcatListenerAsync(listenerOut, stdinFile: response);
        await using (listener)
        {
            using var curlOut = new ProgressStream();
            await using DotcatProcess curl = DotcatProcess.StartProgram(Peers.Find("curl")!,
                ["-sS", "--http1.0", "--cacert", _caFile, $"https://localhost:{port}/"], curlOut);
            curl.CloseStdin();
            (await curl.WaitForExitAsync()).ShouldBe(0, curl.Stderr);
            Encoding.ASCII.GetString(curlOut.ToArray()).ShouldBe("hello over tls\n");
            (await listener.WaitForExitAsync()).ShouldBe(0, listener.Stderr);
            Encoding.ASCII.GetString(listenerOut.ToArray()).ShouldStartWith("GET / HTTP/1.0\r\n");
        }
    }

    /// <summary>
    /// A client that trusts only --ssl-trustfile never reads the system store (on Linux .NET would load it whole at
    /// the first chain, some 80 ms of a start): SSL_CERT_FILE and SSL_CERT_DIR name a bundle in a watched folder, and
    /// no read of it may be seen. inotify reports in order, so once a later write to a sentinel is seen, any read
    /// made during the run has been seen too. Its exec child still gets the variables as they were given.
    /// </summary>
    [LinuxFact]
    public async Task A_trustfile_client_never_reads_the_system_store_and_its_child_keeps_the_environment()
    {
        string store = _dir.Path("store");
        Directory.CreateDirectory(store);
        string bundle = Path.Combine(store, "bundle.pem");
        File.WriteAllText(bundle, TestCertificates.CertPem(_ca));
        var reads = new List<string>();
        var sentinelSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(store) { NotifyFilter = NotifyFilters.LastAccess | NotifyFilters.LastWrite };
        watcher.Changed += (_, e) =>
        {
            if (string.Equals(e.Name, "sentinel", StringComparison.Ordinal))
                sentinelSeen.TrySetResult();
            else
                lock (reads)
                    reads.Add(e.Name ?? "?");
        };
        watcher.EnableRaisingEvents = true;
        using var listenerOut = new ProgressStream();
        (DotcatProcess listener, string port) = await DotcatListenerAsync(listenerOut);
        await using (listener)
        {
            listener.CloseStdin();
            await using DotcatProcess client = DotcatProcess.Start(
                ["--ssl", "--ssl-trustfile", _caFile, "-c", "printf '%s|%s' \"$SSL_CERT_FILE\" \"$SSL_CERT_DIR\"", "localhost", port],
                environment: new Dictionary<string, string> { ["SSL_CERT_DIR"] = store, ["SSL_CERT_FILE"] = bundle });
            client.CloseStdin();
            (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
            (await listener.WaitForExitAsync()).ShouldBe(0, listener.Stderr);
            Encoding.ASCII.GetString(listenerOut.ToArray()).ShouldBe($"{bundle}|{store}");
        }
        File.WriteAllText(Path.Combine(store, "sentinel"), "after the run");
        await sentinelSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (reads)
            reads.ShouldBeEmpty();
    }
}
