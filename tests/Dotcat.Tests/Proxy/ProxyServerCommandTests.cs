using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Proxy;

/// <summary><c>dotcat -l PORT --proxy-type socks5|http</c> as a whole command, in-process, with curl, ncat and dotcat as its clients.</summary>
public sealed class ProxyServerCommandTests
{
    private static async Task<(DotcatRun Server, int Port)> ServeAsync(params string[] extra)
    {
        var server = DotcatRun.Start(["-l", "0", "-v", .. extra]);
        return (server, await server.WaitForListeningPortAsync());
    }

    [ToolFact("curl")]
    public async Task Curl_socks5_hostname_through_dotcat_as_a_new_user_would()
    {
        (DotcatRun server, int port) = await ServeAsync("--proxy-type", "socks5");
        await using (server)
        {
            server.Stderr.ShouldStartWith($"dotcat: listening on 127.0.0.1:{port}");
            using var web = new OneShotHttpServer();
            await using ExternalProcess curl = ExternalProcess.Start("curl", "-s", "-S", "--max-time", "10", "--socks5-hostname", $"127.0.0.1:{port}", $"http://localhost:{web.Port}/hello");
            (await curl.WaitForExitAsync()).ShouldBe(0, curl.Output);
            curl.Stdout.ShouldBe("hello from the target");
            (await web.Request).ShouldStartWith("GET /hello HTTP/1.1\r\n");
        }
    }

    [ToolTheory("ncat")]
    [InlineData("socks5", null)]
    [InlineData("socks5", "alice:pw")]
    [InlineData("http", "alice:pw")]
    public async Task Ncat_through_dotcats_proxy_server(string type, string? auth)
    {
        (DotcatRun server, int port) = await ServeAsync(["--proxy-type", type, .. auth is null ? [] : new[] { "--proxy-auth", auth }]);
        await using (server)
        {
            using var target = new EchoTarget("from target\n");
            string[] arguments = ["--proxy", $"127.0.0.1:{port}", "--proxy-type", type, .. auth is null ? [] : new[] { "--proxy-auth", auth }, "127.0.0.1", target.Port.ToString()];
            await using ExternalProcess ncat = ExternalProcess.Start("ncat", arguments);
            byte[] up = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n")));
            await ncat.Stdin.WriteAsync(up);
            ncat.Stdin.Close();
            (await ncat.WaitForExitAsync()).ShouldBe(0, ncat.Output);
            (await target.Serving).ShouldBe(up);
            ncat.Stdout.ShouldBe("from target\n" + Encoding.ASCII.GetString(up));
        }
    }

    [Fact]
    public async Task Dotcat_through_dotcat_with_a_password_to_an_ipv6_target()
    {
        (DotcatRun server, int port) = await ServeAsync("--proxy-type", "socks5", "--proxy-auth", "alice:pw");
        await using (server)
        {
            byte[] data = Peers.RandomBytes(2_000_000);
            using var target = new SendingTarget(data, AddressFamily.InterNetworkV6);
            await using var client = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "--proxy-type", "socks5", "--proxy-auth", "alice:pw", "::1", target.Port.ToString());
            client.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
            (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
            (await client.StdoutAsync()).ShouldBe(data);

            await using var stranger = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "--proxy-type", "socks5", "--proxy-auth", "alice:nope", "::1", "9");
            stranger.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
            (await stranger.WaitForExitAsync()).ShouldBe(1);
            stranger.Stderr.ShouldBe($"dotcat: proxy 127.0.0.1:{port}: the SOCKS5 proxy rejected the user name or password\n");
        }
    }

    [Fact]
    public async Task A_closed_target_is_answered_connection_refused()
    {
        (DotcatRun server, int port) = await ServeAsync("--proxy-type", "socks5");
        await using (server)
        {
            int closed = ExternalProcess.FreePort();
            using Socket client = await Sockets.ConnectAsync(port);
            await client.SendAsync(new byte[] { 5, 1, 0 });
            var reply = new byte[10];
            (await client.ReceiveAsync(reply.AsMemory(0, 2))).ShouldBe(2);
            reply[..2].ShouldBe(new byte[] { 5, 0 });
            await client.SendAsync(new byte[] { 5, 1, 0, 1, 127, 0, 0, 1, (byte)(closed >> 8), (byte)closed });
            int read = 0;
            while (read < 10)
                read += await client.ReceiveAsync(reply.AsMemory(read));
            reply[1].ShouldBe((byte)5, "SOCKS5 reply 5: connection refused");
            await server.WaitForStderrAsync(l => l.EndsWith($"cannot connect to 127.0.0.1:{closed}: connection refused", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Access_control_decides_who_may_use_the_proxy()
    {
        (DotcatRun server, int port) = await ServeAsync("--proxy-type", "http", "--deny", "127.0.0.2");
        await using (server)
        {
            using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await stranger.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await server.WaitForStderrAsync(l => l.StartsWith("dotcat: refused 127.0.0.2:", StringComparison.Ordinal) && l.EndsWith("(in --deny)", StringComparison.Ordinal));

            using var target = new SendingTarget("allowed\n"u8.ToArray());
            await using var friend = DotcatRun.Start("--proxy", $"127.0.0.1:{port}", "127.0.0.1", target.Port.ToString());
            friend.CloseStdin();   // stdin at EOF at once, as </dev/null: the session ends with the target
            (await friend.StdoutTextAsync()).ShouldBe("allowed\n", friend.Stderr);
        }
    }

    [Fact]
    public async Task Many_clients_at_once_lose_nothing()
    {
        (DotcatRun server, int port) = await ServeAsync("--proxy-type", "socks5");
        await using (server)
        {
            using var echo = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            echo.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            echo.Listen(128);
            int echoPort = ((IPEndPoint)echo.LocalEndPoint!).Port;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Socket peer = await echo.AcceptAsync(stop.Token);
                    _ = Task.Run(async () =>
                    {
                        using (peer)
                        {
                            var buffer = new byte[8192];
                            int n;
                            while ((n = await peer.ReceiveAsync(buffer)) > 0)
                                await peer.SendAsync(buffer.AsMemory(0, n));
                            peer.Shutdown(SocketShutdown.Send);
                        }
                    });
                }
            });

            async Task OneAsync(int i)
            {
                using Socket client = await Sockets.ConnectAsync(port);
                await client.SendAsync(new byte[] { 5, 1, 0 });
                var reply = new byte[10];
                await client.ReceiveAsync(reply.AsMemory(0, 2));
                await client.SendAsync(new byte[] { 5, 1, 0, 1, 127, 0, 0, 1, (byte)(echoPort >> 8), (byte)echoPort });
                int read = 0;
                while (read < 10)
                    read += await client.ReceiveAsync(reply.AsMemory(read));
                reply[1].ShouldBe((byte)0);
                byte[] payload = Peers.RandomBytes(20_000 + i);
                await client.SendAsync(payload);
                client.Shutdown(SocketShutdown.Send);
                (await client.ReadToEndAsync()).ShouldBe(payload);
            }

            await Task.WhenAll(Enumerable.Range(0, 100).Select(OneAsync)).WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
        }
    }
}
