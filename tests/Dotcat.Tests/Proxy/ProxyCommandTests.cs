using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Proxy;

/// <summary>
/// The dotcat command through a proxy (<c>--proxy</c>), end to end in-process: real microsocks, danted and tinyproxy
/// on loopback, and small fake proxies for what a real one will not do (stay silent, send the target's bytes early).
/// </summary>
public sealed class ProxyCommandTests
{
    private static readonly byte[] Download = Peers.RandomBytes(1_000_000);

    /// <summary>
    /// Runs dotcat through the proxy to a target that sends <see cref="Download"/> and closes; stdin stays open, so
    /// the session ends with the target (microsocks and tinyproxy close both ways at a half-close).
    /// </summary>
    private static async Task DownloadThroughAsync(int proxyPort, string type, string? auth = null, AddressFamily family = AddressFamily.InterNetwork, params string[] extra)
    {
        using var target = new SendingTarget(Download, family);
        string host = family == AddressFamily.InterNetwork ? "127.0.0.1" : "::1";
        string[] args = ["--proxy", $"127.0.0.1:{proxyPort}", "--proxy-type", type, .. auth is null ? [] : new[] { "--proxy-auth", auth }, .. extra, host, target.Port.ToString()];
        // A person at a terminal: no half-close up front (microsocks would close both ways), the target's EOF ends it.
        await using var dotcat = DotcatRun.Start(args, stdinIsTerminal: true);
        (await dotcat.WaitForExitAsync()).ShouldBe(0, dotcat.Stderr);
        (await dotcat.StdoutAsync()).ShouldBe(Download);
    }

    /// <summary>stdin's bytes reach the target whole, then the half-close ends the session with exit 0.</summary>
    private static async Task UploadThroughAsync(int proxyPort, string type, string? auth = null)
    {
        using var target = new SendingTarget([]);
        byte[] up = Peers.RandomBytes(300_000);
        string[] args = ["--proxy", $"127.0.0.1:{proxyPort}", "--proxy-type", type, .. auth is null ? [] : new[] { "--proxy-auth", auth }, "127.0.0.1", target.Port.ToString()];
        await using var dotcat = DotcatRun.Start(args);
        await dotcat.Stdin.WriteAsync(up);
        dotcat.CloseStdin();
        (await target.Received).ShouldBe(up);
        (await dotcat.WaitForExitAsync()).ShouldBe(0, dotcat.Stderr);
    }

    [ToolFact("microsocks")]
    public async Task Through_microsocks_both_ways_and_with_a_password()
    {
        int port = ExternalProcess.FreePort();
        await using (ExternalProcess proxy = await ProxyInteropTests.MicrosocksAsync(port, auth: false))
        {
            await DownloadThroughAsync(port, "socks5");
            await UploadThroughAsync(port, "socks5");
            await DownloadThroughAsync(port, "socks5", family: AddressFamily.InterNetworkV6);
        }

        port = ExternalProcess.FreePort();
        await using (ExternalProcess proxy = await ProxyInteropTests.MicrosocksAsync(port, auth: true))
        {
            await DownloadThroughAsync(port, "socks5", "alice:pw");
            await using var wrong = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "--proxy-type", "socks5", "--proxy-auth", "alice:no", "127.0.0.1", "9");
            wrong.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
            (await wrong.WaitForExitAsync()).ShouldBe(1);
            wrong.Stderr.ShouldBe($"dotcat: proxy 127.0.0.1:{port}: the SOCKS5 proxy rejected the user name or password\n");
        }
    }

    [ToolFact("microsocks")]
    public async Task The_password_can_come_from_the_environment()
    {
        int port = ExternalProcess.FreePort();
        await using ExternalProcess proxy = await ProxyInteropTests.MicrosocksAsync(port, auth: true);
        using var target = new SendingTarget("hello\n"u8.ToArray());
        await using var dotcat = DotcatRun.Start(
            ["--proxy", $"127.0.0.1:{port}", "--proxy-type", "socks5", "127.0.0.1", target.Port.ToString()],
            environment: new Dictionary<string, string>(StringComparer.Ordinal) { ["NCAT_PROXY_AUTH"] = "alice:pw" },
            // A person at a terminal, as DownloadThroughAsync: a half-close up front makes microsocks close both ways,
            // and then "hello" is lost whenever dotcat's EOF reaches microsocks before the target's bytes do.
            stdinIsTerminal: true);
        (await dotcat.WaitForExitAsync()).ShouldBe(0, dotcat.Stderr);
        (await dotcat.StdoutTextAsync()).ShouldBe("hello\n", dotcat.Stderr);
    }

    [ToolFact("danted")]
    public async Task Through_danted_with_socks4_socks4a_and_socks5()
    {
        int port = ExternalProcess.FreePort();
        (ExternalProcess proxy, TempDir dir) = await ProxyInteropTests.DantedAsync(port);
        await using (proxy)
        using (dir)
        {
            await DownloadThroughAsync(port, "socks5");
            await DownloadThroughAsync(port, "socks4");
            await UploadThroughAsync(port, "socks4");
            // A closed port: danted's refusal, named.
            int closed = ExternalProcess.FreePort();
            await using var refused = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "--proxy-type", "socks4", "127.0.0.1", closed.ToString());
            refused.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
            (await refused.WaitForExitAsync()).ShouldBe(1);
            refused.Stderr.ShouldBe($"dotcat: proxy 127.0.0.1:{port}: SOCKS4 refused 127.0.0.1:{closed}: request rejected or failed\n");
        }
    }

    [ToolFact("tinyproxy")]
    public async Task Through_tinyproxy_with_basic_auth_as_a_new_user_would()
    {
        using var dir = new TempDir();
        using var target = new SendingTarget(Download);
        int port = ExternalProcess.FreePort();
        string config = dir.Path("tinyproxy.conf");
        bool root = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, $"""
            {(root ? "User nobody\nGroup nogroup" : "")}
            Port {port}
            Listen 127.0.0.1
            Timeout 60
            Allow 127.0.0.1
            BasicAuth alice pw
            ConnectPort {target.Port}
            """);
        await using ExternalProcess proxy = ExternalProcess.Start("tinyproxy", "-d", "-c", config);
        await proxy.WaitForAcceptAsync(port);

        // The README's recipe: dotcat --proxy 127.0.0.1:PORT --proxy-type http 127.0.0.1 TARGET
        // A person at a terminal: tinyproxy, like microsocks, closes both ways at a half-close.
        await using var dotcat = DotcatRun.Start(["--proxy", $"127.0.0.1:{port}", "--proxy-type", "http", "--proxy-auth", "alice:pw", "127.0.0.1", target.Port.ToString()], stdinIsTerminal: true);
        (await dotcat.WaitForExitAsync()).ShouldBe(0, dotcat.Stderr);
        (await dotcat.StdoutAsync()).ShouldBe(Download);

        await using var anonymous = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "127.0.0.1", target.Port.ToString());
        anonymous.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
        (await anonymous.WaitForExitAsync()).ShouldBe(1);
        anonymous.Stderr.ShouldStartWith($"dotcat: proxy 127.0.0.1:{port}: the HTTP proxy requires authentication (give --proxy-auth USER:PASS): 'HTTP/1.");
    }

    [Fact]
    public async Task The_wait_limit_covers_a_proxy_that_never_answers()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(1);
        int port = ((IPEndPoint)silent.LocalEndPoint!).Port;
        await using var dotcat = DotcatRun.Start("-w", "300ms", "--proxy", $"127.0.0.1:{port}", "--proxy-type", "socks5", "127.0.0.1", "9");
        dotcat.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
        (await dotcat.WaitForExitAsync()).ShouldBe(1);
        dotcat.Stderr.ShouldBe("dotcat: cannot connect to 127.0.0.1:9 through proxy 127.0.0.1:" + port + ": timed out after 0.3s\n");
    }

    [Fact]
    public async Task Bytes_the_proxy_sends_with_its_answer_are_delivered_first()
    {
        using var fake = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        fake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        fake.Listen(1);
        int port = ((IPEndPoint)fake.LocalEndPoint!).Port;
        Task serving = Task.Run(async () =>
        {
            using Socket client = await fake.AcceptAsync();
            var head = new byte[4096];
            int read = await client.ReceiveAsync(head);
            Encoding.ASCII.GetString(head, 0, read).ShouldStartWith("CONNECT [::1]:7 HTTP/1.1\r\n");
            await client.SendAsync("HTTP/1.1 200 Connection established\r\n\r\nthe target spoke first\n"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            while (await client.ReceiveAsync(head) > 0)
            {
            }
        });
        await using var dotcat = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "::1", "7");
        dotcat.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
        (await dotcat.StdoutTextAsync()).ShouldBe("the target spoke first\n", dotcat.Stderr);
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        await serving.WaitAsync(ProxyLoopback.Timeout);
    }

    [ToolFact("sh")]
    public async Task Exec_runs_over_the_tunnel()
    {
        await using var proxy = new TestProxyHost(ProxyType.Socks5);
        using var target = new SendingTarget([]);
        await using var dotcat = DotcatRun.Start("--proxy", $"127.0.0.1:{proxy.Port}", "--proxy-type", "socks5", "-c", "printf 'from a program\\n'", "127.0.0.1", target.Port.ToString());
        dotcat.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
        Encoding.ASCII.GetString(await target.Received).ShouldBe("from a program\n");
        (await dotcat.WaitForExitAsync()).ShouldBe(0, dotcat.Stderr);
    }

    [Fact]
    public async Task A_proxy_that_is_not_there_is_one_line()
    {
        int port = ExternalProcess.FreePort();
        await using var dotcat = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "127.0.0.1", "9");
        dotcat.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
        (await dotcat.WaitForExitAsync()).ShouldBe(1);
        dotcat.Stderr.ShouldBe($"dotcat: cannot connect to 127.0.0.1:{port}: connection refused\n");
    }
}

/// <summary>A loopback target for one client: sends its bytes at once and closes, or (none to send) collects what arrives until EOF.</summary>
internal sealed class SendingTarget : IDisposable
{
    private readonly Socket _listener;

    public SendingTarget(byte[] send, AddressFamily family = AddressFamily.InterNetwork)
    {
        _listener = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        Received = ServeAsync(send);
    }

    public int Port { get; }

    /// <summary>What the client sent, once it half-closed (or, when sending, once everything went).</summary>
    public Task<byte[]> Received { get; }

    private async Task<byte[]> ServeAsync(byte[] send)
    {
        using Socket client = await _listener.AcceptAsync().WaitAsync(ProxyLoopback.Timeout);
        if (send.Length > 0)
        {
            await client.SendAsync(send);
            client.Shutdown(SocketShutdown.Both);
            return [];
        }
        var all = new MemoryStream();
        var buffer = new byte[65536];
        int read;
        while ((read = await client.ReceiveAsync(buffer).WaitAsync(ProxyLoopback.Timeout)) > 0)
            all.Write(buffer, 0, read);
        return all.ToArray();
    }

    public void Dispose() => _listener.Dispose();
}
