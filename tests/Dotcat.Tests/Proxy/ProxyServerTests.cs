using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Proxy;

namespace Dotcat.Tests.Proxy;

/// <summary>dotcat's proxy server handshakes, driven by dotcat's own client and by raw bytes for every refusal.</summary>
public sealed class ProxyServerTests
{
    private static readonly ProxyCredentials Alice = new("alice", "pw");

    private static async Task<NetworkStream> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(ProxyLoopback.Timeout);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(ProxyLoopback.Timeout);
        return all.ToArray();
    }

    /// <summary>Sends raw bytes, half-closes, returns everything the server answered until it closed.</summary>
    private static async Task<byte[]> RawAsync(int port, byte[] request, bool halfClose = true)
    {
        await using NetworkStream stream = await ConnectAsync(port);
        await stream.WriteAsync(request);
        if (halfClose)
            stream.Socket.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(stream);
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [Theory]
    [InlineData("Socks5", false)]
    [InlineData("Socks5", true)]
    [InlineData("Http", false)]
    [InlineData("Http", true)]
    public async Task Dotcats_client_through_dotcats_server_moves_bytes_both_ways(string typeName, bool auth)
    {
        var type = Enum.Parse<ProxyType>(typeName);
        await using var host = new TestProxyHost(type, auth ? Alice : null);
        using var target = new EchoTarget("hello from target\n");
        await using NetworkStream stream = await ConnectAsync(host.Port);
        var settings = new ProxySettings("127.0.0.1", host.Port, type, auth ? Alice : null, ProxyDnsMode.Remote);
        using var timeout = new CancellationTokenSource(ProxyLoopback.Timeout);
        ProxyTunnel tunnel = await ProxyClient.HandshakeAsync(stream, settings, ProxyTarget.ForName("localhost", target.Port), timeout.Token);

        byte[] up = RandomBytes(200_000);
        Stream data = tunnel.AsStream();
        Task<byte[]> received = ReadToEndAsync(data);
        await data.WriteAsync(up);
        stream.Socket.Shutdown(SocketShutdown.Send);
        byte[] down = await received;

        (await target.Serving).ShouldBe(up);
        down.ShouldBe([.. "hello from target\n"u8.ToArray(), .. up]);
        (await host.WaitForOutcomesAsync(1)).ShouldHaveSingleItem().Served.ShouldBeTrue();
    }

    [Fact]
    public async Task Socks5_IPv6_target_is_connected_and_reported()
    {
        if (!Socket.OSSupportsIPv6)
            return;
        await using var host = new TestProxyHost(ProxyType.Socks5);
        using var target = new EchoTarget("v6\n", AddressFamily.InterNetworkV6);
        await using NetworkStream stream = await ConnectAsync(host.Port);
        var settings = new ProxySettings("127.0.0.1", host.Port, ProxyType.Socks5, null, ProxyDnsMode.Remote);
        ProxyTunnel tunnel = await ProxyClient.HandshakeAsync(stream, settings, ProxyTarget.ForAddress(IPAddress.IPv6Loopback, target.Port), CancellationToken.None);
        var greeting = new byte[3];
        await tunnel.Stream.ReadExactlyAsync(greeting).AsTask().WaitAsync(ProxyLoopback.Timeout);
        Encoding.ASCII.GetString(greeting).ShouldBe("v6\n");
        stream.Socket.Shutdown(SocketShutdown.Send);
        (await host.WaitForOutcomesAsync(1))[0].Request!.Host.ShouldBe("::1");
    }

    [Theory]
    [InlineData(2, "SOCKS5 BIND is not supported (CONNECT only)")]
    [InlineData(3, "SOCKS5 UDP ASSOCIATE is not supported (CONNECT only)")]
    [InlineData(9, "SOCKS5 command 0x09 is not supported (CONNECT only)")]
    public async Task Socks5_commands_other_than_connect_get_reply_7(byte command, string outcome)
    {
        await using var host = new TestProxyHost(ProxyType.Socks5);
        byte[] reply = await RawAsync(host.Port, [5, 1, 0, 5, command, 0, 1, 127, 0, 0, 1, 0, 80]);
        reply.ShouldBe(new byte[] { 5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 });
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe(outcome);
    }

    [Fact]
    public async Task Socks5_unknown_address_type_gets_reply_8()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5);
        byte[] reply = await RawAsync(host.Port, [5, 1, 0, 5, 1, 0, 7, 1, 2, 3, 4]);
        reply.ShouldBe(new byte[] { 5, 0, 5, 8, 0, 1, 0, 0, 0, 0, 0, 0 });
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe("SOCKS5 address type 0x07 is not supported");
    }

    [Fact]
    public async Task Socks5_refused_target_gets_reply_5_and_dotcats_client_says_so()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5);
        int closed = ClosedPort();
        await using NetworkStream stream = await ConnectAsync(host.Port);
        var settings = new ProxySettings("127.0.0.1", host.Port, ProxyType.Socks5, null, ProxyDnsMode.Remote);
        ProxyException e = await Should.ThrowAsync<ProxyException>(
            () => ProxyClient.HandshakeAsync(stream, settings, ProxyTarget.ForAddress(IPAddress.Loopback, closed), CancellationToken.None));
        e.Message.ShouldBe($"proxy 127.0.0.1:{host.Port}: SOCKS5 refused 127.0.0.1:{closed}: connection refused");
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe($"cannot connect to 127.0.0.1:{closed}: connection refused");
    }

    [Fact]
    public async Task Socks5_wrong_password_is_refused_by_RFC_1929()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5, Alice);
        await using NetworkStream stream = await ConnectAsync(host.Port);
        var settings = new ProxySettings("127.0.0.1", host.Port, ProxyType.Socks5, new ProxyCredentials("alice", "nope"), ProxyDnsMode.Remote);
        ProxyException e = await Should.ThrowAsync<ProxyException>(
            () => ProxyClient.HandshakeAsync(stream, settings, ProxyTarget.ForAddress(IPAddress.Loopback, 9), CancellationToken.None));
        e.Message.ShouldEndWith("the SOCKS5 proxy rejected the user name or password");
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe("SOCKS5 authentication failed: wrong user name or password");
    }

    [Theory]
    [InlineData(false, new byte[] { 5, 1, 2 })]
    [InlineData(true, new byte[] { 5, 1, 0 })]
    public async Task Socks5_no_acceptable_method_gets_0xFF(bool auth, byte[] greeting)
    {
        await using var host = new TestProxyHost(ProxyType.Socks5, auth ? Alice : null);
        (await RawAsync(host.Port, greeting)).ShouldBe(new byte[] { 5, 0xFF });
    }

    [Theory]
    [InlineData(new byte[] { 4, 1, 0, 80, 127, 0, 0, 1, 0 }, "not a SOCKS5 client (version byte 0x04)")]
    [InlineData(new byte[] { 5, 2, 0 }, "the connection closed in the middle of the SOCKS5 greeting")]
    [InlineData(new byte[] { 5, 1, 0, 5, 1, 0, 3 }, "the connection closed in the middle of the SOCKS5 request")]
    public async Task Socks5_malformed_clients_end_with_a_reason(byte[] request, string outcome)
    {
        await using var host = new TestProxyHost(ProxyType.Socks5);
        await RawAsync(host.Port, request);
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe(outcome);
    }

    private static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    [Theory]
    [InlineData("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\n")]
    [InlineData("BREW pot HTTP/1.1\r\n\r\n", "HTTP/1.1 501 Not Implemented\r\n")]
    [InlineData("CONNECT nowhere HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("CONNECT a:b:80 HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("CONNECT 127.0.0.1:0 HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("hello\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("CONNECT 127.0.0.1:80 HTTP/1.1\r\nbroken header\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    public async Task Http_refusals(string request, string responseStart)
    {
        await using var host = new TestProxyHost(ProxyType.Http);
        Text(await RawAsync(host.Port, Encoding.ASCII.GetBytes(request))).ShouldStartWith(responseStart);
        (await host.WaitForOutcomesAsync(1))[0].Served.ShouldBeFalse();
    }

    [Fact]
    public async Task Http_oversized_head_gets_400_without_reading_on()
    {
        await using var host = new TestProxyHost(ProxyType.Http);
        string request = "CONNECT 127.0.0.1:80 HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 500).Select(i => $"X-{i}: {new string('a', 40)}\r\n"));
        Text(await RawAsync(host.Port, Encoding.ASCII.GetBytes(request), halfClose: false)).ShouldStartWith("HTTP/1.1 400 Bad Request\r\n");
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe("the HTTP request head is larger than 16 KiB");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Proxy-Authorization: Basic YWxpY2U6bm9wZQ==\r\n")]
    [InlineData("Proxy-Authorization: Digest x\r\n")]
    [InlineData("Proxy-Authorization: Basic !!!\r\n")]
    public async Task Http_missing_or_wrong_auth_gets_407_with_a_challenge(string header)
    {
        await using var host = new TestProxyHost(ProxyType.Http, Alice);
        string response = Text(await RawAsync(host.Port, Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:9 HTTP/1.1\r\n{header}\r\n")));
        response.ShouldStartWith("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"dotcat\"\r\n");
    }

    [Fact]
    public async Task Http_refused_target_gets_502()
    {
        await using var host = new TestProxyHost(ProxyType.Http);
        int closed = ClosedPort();
        string response = Text(await RawAsync(host.Port, Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:{closed} HTTP/1.1\r\n\r\n")));
        response.ShouldStartWith("HTTP/1.1 502 Bad Gateway\r\n");
        response.ShouldEndWith("\r\n\r\nconnection refused\n");
    }

    [Fact]
    public async Task Http_bytes_sent_with_the_request_reach_the_target_first()
    {
        await using var host = new TestProxyHost(ProxyType.Http);
        using var target = new EchoTarget();
        byte[] response = await RawAsync(host.Port, Encoding.ASCII.GetBytes($"CONNECT [::ffff:127.0.0.1]:{target.Port} HTTP/1.1\r\nHost: x\r\n\r\nearly bytes"));
        Text(await target.Serving).ShouldBe("early bytes");
        Text(response).ShouldBe("HTTP/1.1 200 Connection established\r\n\r\nearly bytes");
    }

    [Fact]
    public async Task A_silent_client_ends_at_the_handshake_timeout()
    {
        await using var host = new TestProxyHost(ProxyType.Socks5, handshakeTimeout: TimeSpan.FromMilliseconds(200));
        await using NetworkStream stream = await ConnectAsync(host.Port);
        (await ReadToEndAsync(stream)).ShouldBeEmpty();
        (await host.WaitForOutcomesAsync(1))[0].Failure.ShouldBe("the proxy handshake timed out");
    }

    [Theory]
    [InlineData("127.0.0.1:80", "127.0.0.1", 80)]
    [InlineData("[::1]:443", "::1", 443)]
    [InlineData("example.test:65535", "example.test", 65535)]
    public void Authority_form_parses(string text, string host, int port)
    {
        HttpConnectServerHandshake.TryParseAuthority(text, out string h, out int p).ShouldBeTrue();
        (h, p).ShouldBe((host, port));
    }

    [Theory]
    [InlineData("::1:80")]
    [InlineData("[::1]")]
    [InlineData("host:")]
    [InlineData(":80")]
    [InlineData("user@host:80")]
    [InlineData("[x]:80")]
    public void Bad_authorities_are_refused(string text) =>
        HttpConnectServerHandshake.TryParseAuthority(text, out _, out _).ShouldBeFalse();

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
