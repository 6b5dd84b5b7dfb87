using System.Net;
using System.Net.Sockets;
using Dotcat.Proxy;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Proxy;

/// <summary>
/// dotcat's client handshakes against real proxy servers (microsocks, danted, tinyproxy), and real clients (ncat,
/// curl) against dotcat's server handshakes, all on loopback, with bytes checked both ways.
/// </summary>
public sealed class ProxyInteropTests
{
    private static readonly ProxyCredentials Alice = new("alice", "pw");

    /// <summary>Connects to the proxy, runs the handshake, sends random bytes and checks the echo and the greeting.</summary>
    private static async Task ExchangeAsync(int proxyPort, ProxyType type, ProxyCredentials? credentials, Func<int, ProxyTarget> target, EchoTarget? given = null)
    {
        using EchoTarget echo = given ?? new EchoTarget("greeting\n");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxyPort));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var timeout = new CancellationTokenSource(ProxyLoopback.Timeout);
        var settings = new ProxySettings("127.0.0.1", proxyPort, type, credentials, ProxyDnsMode.Remote);
        ProxyTunnel tunnel = await ProxyClient.HandshakeAsync(stream, settings, target(echo.Port), timeout.Token);

        // microsocks and tinyproxy close both ways at the first EOF, so read the whole echo before half-closing.
        Stream data = tunnel.AsStream();
        byte[] up = Peers.RandomBytes(300_000);
        var received = new byte["greeting\n".Length + up.Length];
        Task reading = data.ReadExactlyAsync(received, timeout.Token).AsTask();
        await data.WriteAsync(up, timeout.Token);
        await reading.WaitAsync(ProxyLoopback.Timeout);
        socket.Shutdown(SocketShutdown.Send);

        (await echo.Serving).ShouldBe(up);
        received.ShouldBe([.. "greeting\n"u8.ToArray(), .. up]);
    }

    private static async Task<ProxyException> RefusedAsync(int proxyPort, ProxyType type, ProxyCredentials? credentials, ProxyTarget target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxyPort));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var timeout = new CancellationTokenSource(ProxyLoopback.Timeout);
        var settings = new ProxySettings("127.0.0.1", proxyPort, type, credentials, ProxyDnsMode.Remote);
        return await Should.ThrowAsync<ProxyException>(() => ProxyClient.HandshakeAsync(stream, settings, target, timeout.Token));
    }

    private static ProxyTarget Address(int port) => ProxyTarget.ForAddress(IPAddress.Loopback, port);

    private static ProxyTarget Name(int port) => ProxyTarget.ForName("127.0.0.1", port);

    internal static async Task<ExternalProcess> MicrosocksAsync(int port, bool auth)
    {
        ExternalProcess process = auth
            ? ExternalProcess.Start("microsocks", "-i", "127.0.0.1", "-p", port.ToString(), "-u", "alice", "-P", "pw")
            : ExternalProcess.Start("microsocks", "-i", "127.0.0.1", "-p", port.ToString());
        await process.WaitForAcceptAsync(port);
        return process;
    }

    [ToolFact("microsocks")]
    public async Task Microsocks_without_auth_carries_address_and_name_targets()
    {
        int port = ExternalProcess.FreePort();
        await using ExternalProcess proxy = await MicrosocksAsync(port, auth: false);
        await ExchangeAsync(port, ProxyType.Socks5, null, Address);
        await ExchangeAsync(port, ProxyType.Socks5, null, Name);
    }

    [ToolFact("microsocks")]
    public async Task Microsocks_with_auth_accepts_the_password_and_refuses_others()
    {
        int port = ExternalProcess.FreePort();
        await using ExternalProcess proxy = await MicrosocksAsync(port, auth: true);
        await ExchangeAsync(port, ProxyType.Socks5, Alice, Address);
        (await RefusedAsync(port, ProxyType.Socks5, new ProxyCredentials("alice", "wrong"), Address(9))).Message
            .ShouldBe($"proxy 127.0.0.1:{port}: the SOCKS5 proxy rejected the user name or password");
        (await RefusedAsync(port, ProxyType.Socks5, null, Address(9))).Message
            .ShouldBe($"proxy 127.0.0.1:{port}: the SOCKS5 proxy requires authentication (give --proxy-auth USER:PASS)");
    }

    internal static async Task<(ExternalProcess Process, TempDir Dir)> DantedAsync(int port)
    {
        var dir = new TempDir();
        string config = dir.Path("danted.conf");
        bool root = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, $$"""
            logoutput: stderr
            internal: 127.0.0.1 port = {{port}}
            external: 127.0.0.1
            socksmethod: none
            clientmethod: none
            {{(root ? "user.privileged: root\nuser.unprivileged: nobody" : "")}}
            client pass {
                from: 127.0.0.0/8 to: 0.0.0.0/0
            }
            socks pass {
                from: 127.0.0.0/8 to: 0.0.0.0/0
                protocol: tcp
            }
            """);
        ExternalProcess process = ExternalProcess.Start("danted", "-f", config, "-N", "1", "-p", dir.Path("pid"));
        await process.WaitForAcceptAsync(port);
        return (process, dir);
    }

    [ToolFact("danted")]
    public async Task Danted_serves_socks5_and_socks4_and_its_refusal_is_named()
    {
        int port = ExternalProcess.FreePort();
        (ExternalProcess proxy, TempDir dir) = await DantedAsync(port);
        await using (proxy)
        using (dir)
        {
            await ExchangeAsync(port, ProxyType.Socks5, null, Address);
            await ExchangeAsync(port, ProxyType.Socks5, null, Name);
            await ExchangeAsync(port, ProxyType.Socks4, new ProxyCredentials("someone", ""), Address);
            int closed = ExternalProcess.FreePort();
            (await RefusedAsync(port, ProxyType.Socks5, null, Address(closed))).Message
                .ShouldStartWith($"proxy 127.0.0.1:{port}: SOCKS5 refused 127.0.0.1:{closed}: ");
            (await RefusedAsync(port, ProxyType.Socks4, null, Address(closed))).Message
                .ShouldBe($"proxy 127.0.0.1:{port}: SOCKS4 refused 127.0.0.1:{closed}: request rejected or failed");
        }
    }

    [ToolFact("tinyproxy")]
    public async Task Tinyproxy_http_connect_with_basic_auth()
    {
        using var dir = new TempDir();
        using var echo = new EchoTarget("greeting\n");
        int port = ExternalProcess.FreePort();
        int notAllowed = ExternalProcess.FreePort();
        string config = dir.Path("tinyproxy.conf");
        bool root = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        // ConnectPort lists the only ports CONNECT may reach: the echo target's.
        await File.WriteAllTextAsync(config, $"""
            {(root ? "User nobody\nGroup nogroup" : "")}
            Port {port}
            Listen 127.0.0.1
            Timeout 60
            Allow 127.0.0.1
            BasicAuth alice pw
            ConnectPort {echo.Port}
            LogLevel Info
            """);
        await using ExternalProcess proxy = ExternalProcess.Start("tinyproxy", "-d", "-c", config);
        await proxy.WaitForAcceptAsync(port);

        int allowed = echo.Port;
        await ExchangeAsync(port, ProxyType.Http, Alice, Address, echo);
        (await RefusedAsync(port, ProxyType.Http, null, Address(allowed))).Message
            .ShouldStartWith($"proxy 127.0.0.1:{port}: the HTTP proxy requires authentication (give --proxy-auth USER:PASS): 'HTTP/1.");
        (await RefusedAsync(port, ProxyType.Http, new ProxyCredentials("alice", "wrong"), Address(allowed))).Message
            .ShouldStartWith($"proxy 127.0.0.1:{port}: the HTTP proxy rejected the user name or password: 'HTTP/1.");
        (await RefusedAsync(port, ProxyType.Http, Alice, Address(notAllowed))).Message
            .ShouldStartWith($"proxy 127.0.0.1:{port}: the HTTP proxy refused CONNECT 127.0.0.1:{notAllowed}: 'HTTP/1.");
    }
}
