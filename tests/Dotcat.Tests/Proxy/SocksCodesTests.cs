using System.Net.Sockets;
using System.Text;
using Dotcat.Proxy;

namespace Dotcat.Tests.Proxy;

public sealed class SocksCodesTests
{
    [Theory]
    [InlineData(SocketError.ConnectionRefused, 5)]
    [InlineData(SocketError.HostUnreachable, 4)]
    [InlineData(SocketError.HostNotFound, 4)]
    [InlineData(SocketError.NetworkUnreachable, 3)]
    [InlineData(SocketError.TimedOut, 6)]
    [InlineData(SocketError.AccessDenied, 2)]
    [InlineData(SocketError.AddressFamilyNotSupported, 8)]
    [InlineData(SocketError.ConnectionReset, 1)]
    public void A_failed_connect_maps_to_its_SOCKS5_reply(SocketError error, byte reply) =>
        ((byte)SocksCodes.ForSocketError(error)).ShouldBe(reply);

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "HTTP/1.1 502 Bad Gateway\r\n", "connection refused\n")]
    [InlineData(SocketError.TimedOut, "HTTP/1.1 504 Gateway Timeout\r\n", "timed out\n")]
    [InlineData(SocketError.HostNotFound, "HTTP/1.1 502 Bad Gateway\r\n", "name not found\n")]
    public async Task A_failed_connect_maps_to_its_HTTP_status(SocketError error, string statusLine, string body)
    {
        var output = new MemoryStream();
        await ProxyServerHandshake.For(ProxyType.Http, null).FailedAsync(output, error, CancellationToken.None);
        string response = Encoding.ASCII.GetString(output.ToArray());
        response.ShouldStartWith(statusLine);
        response.ShouldEndWith("\r\n\r\n" + body);
    }

    [Fact]
    public void Dotcats_server_speaks_socks5_and_http_only() =>
        Should.Throw<Dotcat.Diagnostics.UsageException>(() => ProxyServerHandshake.For(ProxyType.Socks4, null))
            .Message.ShouldBe("dotcat's proxy server speaks socks5 and http, not socks4");
}

public sealed class ProxyServerConnectorTests
{
    [Fact]
    public async Task A_connector_failure_with_an_inner_socket_error_picks_the_reply_and_is_the_outcome()
    {
        await using ProxyLoopback pair = await ProxyLoopback.OpenAsync();
        var server = new ProxyServer(
            ProxyServerHandshake.For(ProxyType.Socks5, null),
            (host, port, _) => throw new Dotcat.Diagnostics.DotcatException(
                $"cannot connect to {host}:{port}: connection refused", inner: new SocketException((int)SocketError.ConnectionRefused)),
            (_, _, _, _) => throw new InvalidOperationException("no relay after a failed connect"));
        Task<ProxyOutcome> serving = server.ServeAsync(pair.Near, CancellationToken.None);
        await pair.FarWriteAsync(5, 1, 0, 5, 1, 0, 3, 4, (byte)'h', (byte)'o', (byte)'s', (byte)'t', 0, 80);
        (await pair.FarReadAsync(2)).ShouldBe(new byte[] { 5, 0 });
        (await pair.FarReadAsync(10)).ShouldBe(new byte[] { 5, 5, 0, 1, 0, 0, 0, 0, 0, 0 });
        pair.FarShutdown();
        ProxyOutcome outcome = await serving.WaitAsync(ProxyLoopback.Timeout);
        outcome.Request!.Display.ShouldBe("host:80");
        outcome.Failure.ShouldBe("cannot connect to host:80: connection refused");
    }
}
