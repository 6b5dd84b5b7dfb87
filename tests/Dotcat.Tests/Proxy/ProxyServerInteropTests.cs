using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Proxy;

namespace Dotcat.Tests.Proxy;

/// <summary>ncat and curl as clients of dotcat's proxy server handshakes, hosted by <see cref="TestProxyHost"/>.</summary>
public sealed class ProxyServerInteropTests
{
    private static readonly ProxyCredentials Alice = new("alice", "pw");

    [ToolFact("ncat")]
    public async Task Ncat_through_dotcats_socks5_server()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5);
        await NcatExchangeAsync(host, "socks5", null);
    }

    [ToolFact("ncat")]
    public async Task Ncat_through_dotcats_socks5_server_with_auth()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5, Alice);
        await NcatExchangeAsync(host, "socks5", "alice:pw");
    }

    [ToolFact("ncat")]
    public async Task Ncat_through_dotcats_http_server_with_auth()
    {
        await using var host = new TestProxyHost(ProxyType.Http, Alice);
        await NcatExchangeAsync(host, "http", "alice:pw");
    }

    private static async Task NcatExchangeAsync(TestProxyHost host, string type, string? auth)
    {
        using var target = new EchoTarget("from target\n");
        string[] arguments = ["--proxy", $"127.0.0.1:{host.Port}", "--proxy-type", type, .. auth is null ? [] : new[] { "--proxy-auth", auth }, "127.0.0.1", target.Port.ToString()];
        await using ExternalProcess ncat = ExternalProcess.Start("ncat", arguments);
        byte[] up = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}\n")));
        await ncat.Stdin.WriteAsync(up);
        ncat.Stdin.Close();
        (await ncat.WaitForExitAsync()).ShouldBe(0, ncat.Output);
        (await target.Serving).ShouldBe(up);
        ncat.Stdout.ShouldBe("from target\n" + Encoding.ASCII.GetString(up));
        // ncat's HTTP client asks without credentials first and comes back with them after the 407.
        bool challenged = string.Equals(type, "http", StringComparison.Ordinal) && auth is not null;
        ProxyOutcome[] outcomes = await host.WaitForOutcomesAsync(challenged ? 2 : 1);
        outcomes.Select(o => o.Served).ShouldBe(challenged ? [false, true] : [true]);
        if (challenged)
            outcomes[0].Failure.ShouldBe("no Proxy-Authorization given (answered 407)");
    }

    [ToolFact("curl")]
    public async Task Curl_socks5_hostname_through_dotcats_server()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5);
        using var web = new OneShotHttpServer();
        string body = await CurlAsync("--socks5-hostname", $"127.0.0.1:{host.Port}", $"http://localhost:{web.Port}/hello");
        body.ShouldBe("hello from the target");
        (await web.Request).ShouldStartWith("GET /hello HTTP/1.1\r\n");
        (await host.WaitForOutcomesAsync(1))[0].Request!.Host.ShouldBe("localhost");
    }

    [ToolFact("curl")]
    public async Task Curl_http_tunnel_with_proxy_auth_through_dotcats_server()
    {
        await using var host = new TestProxyHost(ProxyType.Http, Alice);
        using var web = new OneShotHttpServer();
        string body = await CurlAsync("-p", "-x", $"http://127.0.0.1:{host.Port}", "--proxy-user", "alice:pw", $"http://127.0.0.1:{web.Port}/");
        body.ShouldBe("hello from the target");
    }

    [ToolFact("curl")]
    public async Task Curl_without_proxy_auth_gets_407()
    {
        await using var host = new TestProxyHost(ProxyType.Http, Alice);
        await using ExternalProcess curl = ExternalProcess.Start("curl", "-s", "--max-time", "10", "-p", "-x", $"http://127.0.0.1:{host.Port}", "-o", "/dev/null", "-w", "%{http_connect}", "http://127.0.0.1:9/");
        await curl.WaitForExitAsync();
        curl.Stdout.ShouldBe("407");
    }

    private static async Task<string> CurlAsync(params string[] arguments)
    {
        await using ExternalProcess curl = ExternalProcess.Start("curl", ["-s", "-S", "--max-time", "10", .. arguments]);
        (await curl.WaitForExitAsync()).ShouldBe(0, curl.Output);
        return curl.Stdout;
    }
}

/// <summary>Answers one HTTP request with a fixed body on a loopback port (IPv4 and IPv6, so "localhost" works).</summary>
internal sealed class OneShotHttpServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };

    public OneShotHttpServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        _listener.Listen(4);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        Request = ServeAsync();
    }

    public int Port { get; }

    public Task<string> Request { get; }

    private async Task<string> ServeAsync()
    {
        using Socket client = await _listener.AcceptAsync().WaitAsync(ProxyLoopback.Timeout);
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await client.ReceiveAsync(buffer).WaitAsync(ProxyLoopback.Timeout);
            if (read == 0)
                break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await client.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 21\r\nConnection: close\r\n\r\nhello from the target"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        return head.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
