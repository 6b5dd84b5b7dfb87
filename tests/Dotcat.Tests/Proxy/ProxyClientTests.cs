using System.Net;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Proxy;

namespace Dotcat.Tests.Proxy;

/// <summary>The client handshakes against in-process fake proxies: what is sent, every refusal, every bad reply.</summary>
public sealed class ProxyClientTests
{
    private static ProxySettings Settings(ProxyType type, ProxyCredentials? credentials = null) =>
        new("127.0.0.1", 1080, type, credentials, ProxyDnsMode.Remote);

    private static readonly ProxyTarget V4 = ProxyTarget.ForAddress(IPAddress.Parse("127.0.0.9"), 8080);
    private static readonly ProxyTarget V6 = ProxyTarget.ForAddress(IPAddress.IPv6Loopback, 443);
    private static readonly ProxyTarget Name = ProxyTarget.ForName("target.test", 80);
    private static readonly ProxyCredentials Alice = new("alice", "pw");

    /// <summary>Runs the client against <paramref name="proxy"/>; returns the tunnel, or throws what the client threw.</summary>
    private static async Task<ProxyTunnel> Run(ProxyLoopback pair, ProxySettings settings, ProxyTarget target, Func<ProxyLoopback, Task> proxy)
    {
        using var timeout = new CancellationTokenSource(ProxyLoopback.Timeout);
        Task script = proxy(pair);
        ProxyTunnel tunnel = await ProxyClient.HandshakeAsync(pair.Near, settings, target, timeout.Token);
        await script.WaitAsync(ProxyLoopback.Timeout);
        return tunnel;
    }

    private static async Task<string> Failure(ProxySettings settings, ProxyTarget target, Func<ProxyLoopback, Task> proxy)
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        ProxyException e = await Should.ThrowAsync<ProxyException>(() => Run(pair, settings, target, proxy));
        e.ExitCode.ShouldBe(ExitCodes.Failure);
        e.Message.ShouldNotContain("\n");
        return e.Message;
    }

    private static byte[] Socks5Success(byte[]? bound = null) => [5, 0, 0, .. bound ?? [1, 127, 0, 0, 1, 0x1f, 0x90]];

    // ---- SOCKS5 ----

    [Fact]
    public async Task Socks5_without_auth_sends_an_IPv4_connect_and_keeps_the_targets_first_bytes()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        ProxyTunnel tunnel = await Run(pair, Settings(ProxyType.Socks5), V4, async p =>
        {
            (await p.FarReadAsync(3)).ShouldBe(new byte[] { 5, 1, 0 });
            await p.FarWriteAsync(5, 0);
            (await p.FarReadAsync(10)).ShouldBe(new byte[] { 5, 1, 0, 1, 127, 0, 0, 9, 0x1f, 0x90 });
            // The reply and the target's first bytes in one segment: the client must take only the reply.
            await p.FarWriteAsync([.. Socks5Success(), .. "hello"u8.ToArray()]);
        });
        tunnel.Leftover.Length.ShouldBe(0);
        var rest = new byte[5];
        await tunnel.Stream.ReadExactlyAsync(rest);
        Encoding.ASCII.GetString(rest).ShouldBe("hello");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Socks5_sends_IPv6_and_name_targets_and_reads_any_bound_address(bool ipv6)
    {
        ProxyTarget target = ipv6 ? V6 : Name;
        byte[] expected = ipv6
            ? [5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0xbb]
            : [5, 1, 0, 3, 11, .. "target.test"u8.ToArray(), 0, 80];
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        ProxyTunnel tunnel = await Run(pair, Settings(ProxyType.Socks5), target, async p =>
        {
            await p.FarReadAsync(3);
            await p.FarWriteAsync(5, 0);
            (await p.FarReadAsync(expected.Length)).ShouldBe(expected);
            byte[] bound = ipv6 ? [4, .. new byte[16], 0, 1] : [3, 4, .. "bind"u8.ToArray(), 0, 1];
            await p.FarWriteAsync([.. Socks5Success(bound), (byte)'!']);
        });
        var rest = new byte[1];
        await tunnel.Stream.ReadExactlyAsync(rest);
        rest[0].ShouldBe((byte)'!');
    }

    [Fact]
    public async Task Socks5_username_password_follows_RFC_1929()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        await Run(pair, Settings(ProxyType.Socks5, Alice), V4, async p =>
        {
            (await p.FarReadAsync(4)).ShouldBe(new byte[] { 5, 2, 0, 2 });
            await p.FarWriteAsync(5, 2);
            (await p.FarReadAsync(10)).ShouldBe((byte[])[1, 5, .. "alice"u8.ToArray(), 2, (byte)'p', (byte)'w']);
            await p.FarWriteAsync(1, 0);
            await p.FarReadAsync(10);
            await p.FarWriteAsync(Socks5Success());
        });
    }

    [Theory]
    [InlineData(1, "general SOCKS server failure")]
    [InlineData(2, "connection not allowed by ruleset")]
    [InlineData(3, "network unreachable")]
    [InlineData(4, "host unreachable")]
    [InlineData(5, "connection refused")]
    [InlineData(6, "TTL expired")]
    [InlineData(7, "command not supported")]
    [InlineData(8, "address type not supported")]
    [InlineData(9, "unassigned reply code 9")]
    public async Task Socks5_refusals_are_said_in_words(byte code, string words)
    {
        string message = await Failure(Settings(ProxyType.Socks5), V4, async p =>
        {
            await p.FarReadAsync(3);
            await p.FarWriteAsync(5, 0);
            await p.FarReadAsync(10);
            await p.FarWriteAsync(5, code, 0, 1, 0, 0, 0, 0, 0, 0);
        });
        message.ShouldBe($"proxy 127.0.0.1:1080: SOCKS5 refused 127.0.0.9:8080: {words}");
    }

    public static TheoryData<string, bool, byte[], string> Socks5BadReplies => new()
    {
        { "auth required", false, [5, 0xFF], "the SOCKS5 proxy requires authentication (give --proxy-auth USER:PASS)" },
        { "no method fits", true, [5, 0xFF], "the SOCKS5 proxy accepts neither no authentication nor username/password" },
        { "method not offered", false, [5, 2], "the SOCKS5 proxy chose authentication method 0x02, which was not offered" },
        { "GSSAPI", true, [5, 1], "the SOCKS5 proxy chose authentication method 0x01, which was not offered" },
        { "wrong version", false, [4, 0], "not a SOCKS5 reply (version byte 0x04)" },
        { "an HTTP proxy", false, "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(), "not a SOCKS5 reply (version byte 0x48); is it an HTTP proxy (--proxy-type http)?" },
        { "EOF at once", false, [], "the connection closed in the middle of the SOCKS5 method selection" },
        { "EOF mid selection", false, [5], "the connection closed in the middle of the SOCKS5 method selection" },
    };

    [Theory]
    [MemberData(nameof(Socks5BadReplies))]
    public async Task Socks5_bad_method_replies_are_one_clear_line(string why, bool withAuth, byte[] reply, string expected)
    {
        _ = why;
        string message = await Failure(Settings(ProxyType.Socks5, withAuth ? Alice : null), V4, async p =>
        {
            await p.FarReadAsync(withAuth ? 4 : 3);
            await p.FarWriteAsync(reply);
            p.FarShutdown();
        });
        message.ShouldBe("proxy 127.0.0.1:1080: " + expected);
    }

    public static TheoryData<string, byte[], string> Socks5BadConnectReplies => new()
    {
        { "wrong version", [0, 0, 0, 1, 0, 0, 0, 0, 0, 0], "not a SOCKS5 reply (version byte 0x00)" },
        { "bad address type", [5, 0, 0, 9], "malformed SOCKS5 reply: unknown address type 0x09" },
        { "EOF in head", [5, 0], "the connection closed in the middle of the SOCKS5 reply" },
        { "EOF in address", [5, 0, 0, 1, 127, 0], "the connection closed in the middle of the SOCKS5 reply" },
        { "EOF in name", [5, 0, 0, 3, 200, 1, 2, 3], "the connection closed in the middle of the SOCKS5 reply" },
        { "EOF before name length", [5, 0, 0, 3], "the connection closed in the middle of the SOCKS5 reply" },
    };

    [Theory]
    [MemberData(nameof(Socks5BadConnectReplies))]
    public async Task Socks5_bad_connect_replies_are_one_clear_line(string why, byte[] reply, string expected)
    {
        _ = why;
        string message = await Failure(Settings(ProxyType.Socks5), V4, async p =>
        {
            await p.FarReadAsync(3);
            await p.FarWriteAsync(5, 0);
            await p.FarReadAsync(10);
            await p.FarWriteAsync(reply);
            p.FarShutdown();
        });
        message.ShouldBe("proxy 127.0.0.1:1080: " + expected);
    }

    [Theory]
    [InlineData(new byte[] { 1, 1 }, "the SOCKS5 proxy rejected the user name or password")]
    [InlineData(new byte[] { 1, 0xFF }, "the SOCKS5 proxy rejected the user name or password")]
    [InlineData(new byte[] { 5, 0 }, "malformed SOCKS5 authentication reply (version byte 0x05)")]
    [InlineData(new byte[] { 1 }, "the connection closed in the middle of the SOCKS5 authentication reply")]
    public async Task Socks5_authentication_failures(byte[] reply, string expected)
    {
        string message = await Failure(Settings(ProxyType.Socks5, Alice), V4, async p =>
        {
            await p.FarReadAsync(4);
            await p.FarWriteAsync(5, 2);
            await p.FarReadAsync(10);
            await p.FarWriteAsync(reply);
            p.FarShutdown();
        });
        message.ShouldBe("proxy 127.0.0.1:1080: " + expected);
    }

    [Fact]
    public async Task A_silent_proxy_never_hangs_the_caller_past_its_token()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Should.ThrowAsync<OperationCanceledException>(
            () => ProxyClient.HandshakeAsync(pair.Near, Settings(ProxyType.Socks5), V4, soon.Token).WaitAsync(ProxyLoopback.Timeout));
    }

    // ---- SOCKS4 / 4a ----

    [Fact]
    public async Task Socks4_sends_the_user_as_its_id_and_reads_exactly_eight_bytes()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        ProxyTunnel tunnel = await Run(pair, Settings(ProxyType.Socks4, Alice), V4, async p =>
        {
            (await p.FarReadAsync(14)).ShouldBe((byte[])[4, 1, 0x1f, 0x90, 127, 0, 0, 9, .. "alice"u8.ToArray(), 0]);
            await p.FarWriteAsync(0, 90, 0, 0, 0, 0, 0, 0, (byte)'x');
        });
        var rest = new byte[1];
        await tunnel.Stream.ReadExactlyAsync(rest);
        rest[0].ShouldBe((byte)'x');
    }

    [Fact]
    public async Task Socks4a_sends_the_name_after_the_user_id()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        await Run(pair, Settings(ProxyType.Socks4a), Name, async p =>
        {
            (await p.FarReadAsync(21)).ShouldBe((byte[])[4, 1, 0, 80, 0, 0, 0, 1, 0, .. "target.test"u8.ToArray(), 0]);
            await p.FarWriteAsync(4, 90, 0, 0, 0, 0, 0, 0);
        });
    }

    [Theory]
    [InlineData(new byte[] { 0, 91, 0, 0, 0, 0, 0, 0 }, "SOCKS4 refused 127.0.0.9:8080: request rejected or failed")]
    [InlineData(new byte[] { 0, 92, 0, 0, 0, 0, 0, 0 }, "SOCKS4 refused 127.0.0.9:8080: request rejected: the proxy cannot reach an identd on this machine")]
    [InlineData(new byte[] { 0, 93, 0, 0, 0, 0, 0, 0 }, "SOCKS4 refused 127.0.0.9:8080: request rejected: identd reports a different user id")]
    [InlineData(new byte[] { 0, 17, 0, 0, 0, 0, 0, 0 }, "SOCKS4 refused 127.0.0.9:8080: unknown reply code 17")]
    [InlineData(new byte[] { 5, 0, 0, 0, 0, 0, 0, 0 }, "not a SOCKS4 reply (version byte 0x05)")]
    [InlineData(new byte[] { 0, 90, 0 }, "the connection closed in the middle of the SOCKS4 reply")]
    [InlineData(new byte[] { }, "the connection closed in the middle of the SOCKS4 reply")]
    public async Task Socks4_refusals_and_bad_replies(byte[] reply, string expected)
    {
        string message = await Failure(Settings(ProxyType.Socks4), V4, async p =>
        {
            await p.FarReadAsync(9);
            await p.FarWriteAsync(reply);
            p.FarShutdown();
        });
        message.ShouldBe("proxy 127.0.0.1:1080: " + expected);
    }

    // ---- HTTP CONNECT ----

    [Fact]
    public async Task Http_connect_sends_host_and_basic_auth_and_returns_bytes_read_past_the_head()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        ProxyTunnel tunnel = await Run(pair, Settings(ProxyType.Http, Alice), V6, async p =>
        {
            string head = await p.FarReadHeadAsync();
            head.ShouldBe("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\nProxy-Authorization: Basic YWxpY2U6cHc=\r\n\r\n");
            await p.FarWriteAsync("HTTP/1.1 200 Connection established\r\nVia: fake\r\n\r\nSSH-2.0-target\r\n");
        });
        // Whatever arrived with the head is either in Leftover or still in the stream; together it is all there.
        var all = new MemoryStream();
        all.Write(tunnel.Leftover.Span);
        var buffer = new byte[64];
        while (all.Length < "SSH-2.0-target\r\n".Length)
        {
            int read = await tunnel.Stream.ReadAsync(buffer);
            read.ShouldBeGreaterThan(0);
            all.Write(buffer, 0, read);
        }
        Encoding.ASCII.GetString(all.ToArray()).ShouldBe("SSH-2.0-target\r\n");
    }

    [Fact]
    public async Task Http_leftover_is_replayed_first_by_AsStream()
    {
        var inner = new MemoryStream("later"u8.ToArray());
        var tunnel = new ProxyTunnel(inner, "first-"u8.ToArray());
        using var reader = new StreamReader(tunnel.AsStream());
        (await reader.ReadToEndAsync()).ShouldBe("first-later");
    }

    [Fact]
    public async Task Http_head_and_target_bytes_in_one_segment_are_split_exactly()
    {
        // A stream that hands out the whole reply at once: the extra bytes must come back as Leftover.
        var reply = new MemoryStream("HTTP/1.0 200 OK\r\n\r\nabc"u8.ToArray());
        var duplex = new ScriptedStream(reply);
        ProxyTunnel tunnel = await ProxyClient.HandshakeAsync(duplex, Settings(ProxyType.Http), Name, CancellationToken.None);
        Encoding.ASCII.GetString(tunnel.Leftover.Span).ShouldBe("abc");
        Encoding.ASCII.GetString(duplex.Written.ToArray()).ShouldBe("CONNECT target.test:80 HTTP/1.1\r\nHost: target.test:80\r\n\r\n");
    }

    [Theory]
    [InlineData(false, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n", "the HTTP proxy requires authentication (give --proxy-auth USER:PASS): 'HTTP/1.1 407 Proxy Authentication Required'")]
    [InlineData(true, "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", "the HTTP proxy rejected the user name or password: 'HTTP/1.1 407 Proxy Authentication Required'")]
    [InlineData(false, "HTTP/1.1 403 Forbidden\r\n\r\n", "the HTTP proxy refused CONNECT target.test:80: 'HTTP/1.1 403 Forbidden'")]
    [InlineData(false, "HTTP/1.0 502 Bad Gateway\nServer: x\n\n", "the HTTP proxy refused CONNECT target.test:80: 'HTTP/1.0 502 Bad Gateway'")]
    [InlineData(false, "SSH-2.0-OpenSSH\r\n\r\n", "malformed HTTP status line: 'SSH-2.0-OpenSSH'")]
    [InlineData(false, "HTTP/1.1 2000 OK\r\n\r\n", "malformed HTTP status line: 'HTTP/1.1 2000 OK'")]
    [InlineData(false, "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line in the HTTP reply: 'no colon here'")]
    [InlineData(false, "HTTP/1.1 200 OK\r\nVia: x\r\n", "the connection closed in the middle of the HTTP reply head")]
    [InlineData(false, "", "the connection closed without an HTTP reply")]
    [InlineData(false, "HTTP/1.1 403 \x1b[31mred\r\n\r\n", "the HTTP proxy refused CONNECT target.test:80: 'HTTP/1.1 403 ?[31mred'")]
    public async Task Http_refusals_and_bad_replies(bool withAuth, string reply, string expected)
    {
        string message = await Failure(Settings(ProxyType.Http, withAuth ? Alice : null), Name, async p =>
        {
            await p.FarReadHeadAsync();
            await p.FarWriteAsync(reply);
            p.FarShutdown();
        });
        message.ShouldBe("proxy 127.0.0.1:1080: " + expected);
    }

    [Fact]
    public async Task An_http_head_over_16_KiB_is_refused_without_reading_further()
    {
        string message = await Failure(Settings(ProxyType.Http), Name, async p =>
        {
            await p.FarReadHeadAsync();
            await p.FarWriteAsync("HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 400; i++)
                await p.FarWriteAsync($"X-Filler-{i}: {new string('y', 40)}\r\n");
        });
        message.ShouldBe("proxy 127.0.0.1:1080: the HTTP reply head is larger than 16 KiB");
    }

    [Fact]
    public async Task A_reset_during_the_handshake_is_one_line()
    {
        string message = await Failure(Settings(ProxyType.Socks5), V4, async p =>
        {
            await p.FarReadAsync(3);
            p.Far.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            p.Far.Socket.Close();
        });
        message.ShouldBeOneOf(
            "proxy 127.0.0.1:1080: connection reset by peer during the handshake",
            "proxy 127.0.0.1:1080: the connection closed in the middle of the SOCKS5 method selection");
    }
}

/// <summary>A stream whose reads come from a fixed reply and whose writes are recorded.</summary>
internal sealed class ScriptedStream(Stream reply) : Stream
{
    public MemoryStream Written { get; } = new();
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => reply.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

public sealed class ProxyClientGuardTests
{
    [Theory]
    [InlineData("Socks4", "::1", true, "SOCKS4 cannot carry the IPv6 address ::1")]
    [InlineData("Socks4", "name.test", false, "SOCKS4 cannot carry the name name.test (SOCKS4a can)")]
    [InlineData("Http", "evil\r\nX-Injected: 1", false, "'evil??X-Injected: 1' cannot be sent to a proxy as a host name")]
    [InlineData("Socks5", "", false, "'' cannot be sent to a proxy as a host name")]
    public async Task Requests_that_would_be_wrong_on_the_wire_are_never_sent(string type, string host, bool address, string message)
    {
        var written = new ScriptedStream(new MemoryStream());
        ProxyTarget target = address ? ProxyTarget.ForAddress(IPAddress.Parse(host), 80) : ProxyTarget.ForName(host, 80);
        var settings = new ProxySettings("127.0.0.1", 1080, Enum.Parse<ProxyType>(type), null, ProxyDnsMode.Remote);
        (await Should.ThrowAsync<ProxyException>(() => ProxyClient.HandshakeAsync(written, settings, target, CancellationToken.None)))
            .Message.ShouldBe(message);
        written.Written.Length.ShouldBe(0);
    }
}
