using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Transports;

/// <summary>
/// <c>--allow</c>/<c>--deny</c> on real listeners, in-process: 127.0.0.1 against 127.0.0.2 (both loopback) and ::1.
/// A refused client is closed at once with a <c>-v</c> line, does not count toward <c>-m</c>, and does not end a
/// single-client listener; a refused datagram is dropped.
/// </summary>
public sealed class AccessControlSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<Socket> ConnectFromAsync(string from, int port)
    {
        IPAddress source = IPAddress.Parse(from);
        var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        IPAddress to = source.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        await socket.ConnectAsync(new IPEndPoint(to, port)).WaitAsync(Timeout);
        return socket;
    }

    /// <summary>The listener closes a refused client unserved: its read ends (EOF or reset) without a byte.</summary>
    private static async Task ShouldBeClosedAsync(Socket client)
    {
        var buffer = new byte[16];
        try
        {
            (await client.ReceiveAsync(buffer).WaitAsync(Timeout)).ShouldBe(0);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    [Fact]
    public async Task A_refused_client_does_not_end_a_single_client_listener()
    {
        await using var dotcat = DotcatRun.Start("-l", "0", "-v", "--allow", "127.0.0.1");
        int port = await dotcat.WaitForListeningPortAsync();

        using (Socket stranger = await ConnectFromAsync("127.0.0.2", port))
        {
            int strangerPort = ((IPEndPoint)stranger.LocalEndPoint!).Port;
            await ShouldBeClosedAsync(stranger);
            await dotcat.WaitForStderrAsync(l => string.Equals(l, $"dotcat: refused 127.0.0.2:{strangerPort} (not in --allow)", StringComparison.Ordinal));
        }
        using (Socket ipv6 = await ConnectFromAsync("::1", port))
        {
            await ShouldBeClosedAsync(ipv6);
            await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: refused [::1]:", StringComparison.Ordinal) && l.EndsWith(" (not in --allow)", StringComparison.Ordinal));
        }

        using Socket friend = await ConnectFromAsync("127.0.0.1", port);
        await friend.SendAsync("hello\n");
        friend.Shutdown(SocketShutdown.Send);
        dotcat.CloseStdin();
        (await dotcat.StdoutTextAsync()).ShouldBe("hello\n");
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Refused_clients_do_not_count_toward_max_conns()
    {
        await using var dotcat = DotcatRun.Start("-lk", "0", "-v", "-m", "1", "--deny", "127.0.0.2", "--respond", "echo");
        int port = await dotcat.WaitForListeningPortAsync();
        var strangers = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            Socket stranger = await ConnectFromAsync("127.0.0.2", port);
            strangers.Add(stranger);
            await ShouldBeClosedAsync(stranger);
        }
        using Socket friend = await ConnectFromAsync("127.0.0.1", port);
        await friend.SendAsync("ping\n");
        (await friend.ReadUntilAsync("ping\n")).ShouldBe("ping\n");
        dotcat.Stderr.ShouldContain(" (in --deny)");
        dotcat.Stderr.ShouldNotContain("(-m)");
        strangers.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Files_and_cidr_blocks_decide_with_deny_winning()
    {
        using var dir = new TempDir();
        string allow = dir.Path("allow");
        string deny = dir.Path("deny");
        await File.WriteAllTextAsync(allow, "# loopback, both families\n127.0.0.0/30   # .0 to .3\n\n::1\n");
        await File.WriteAllTextAsync(deny, "127.0.0.2/32\n");
        await using var dotcat = DotcatRun.Start("-lk", "0", "-v", "--allowfile", allow, "--denyfile", deny, "--respond", "echo");
        int port = await dotcat.WaitForListeningPortAsync();

        foreach (string admitted in (string[])["127.0.0.1", "127.0.0.3", "::1"])
        {
            using Socket client = await ConnectFromAsync(admitted, port);
            await client.SendAsync("x\n");
            (await client.ReadUntilAsync("x\n")).ShouldBe("x\n");
        }
        using (Socket denied = await ConnectFromAsync("127.0.0.2", port))
            await ShouldBeClosedAsync(denied);
        using (Socket outside = await ConnectFromAsync("127.0.0.4", port))
            await ShouldBeClosedAsync(outside);
        await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: refused 127.0.0.2:", StringComparison.Ordinal) && l.EndsWith("(in --deny)", StringComparison.Ordinal));
        await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: refused 127.0.0.4:", StringComparison.Ordinal) && l.EndsWith("(not in --allow)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_datagram_is_dropped(bool keepOpen)
    {
        await using var dotcat = DotcatRun.Start(keepOpen ? ["-luk", "127.0.0.1", "0", "-v", "--allow", "127.0.0.1"] : ["-lu", "127.0.0.1", "0", "-v", "--allow", "127.0.0.1"]);
        int port = await dotcat.WaitForListeningPortAsync();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        using var friend = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        friend.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await stranger.SendToAsync("not this\n"u8.ToArray(), target);
        await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: refused 127.0.0.2:", StringComparison.Ordinal));
        await friend.SendToAsync("this\n"u8.ToArray(), target);
        await dotcat.WaitForStderrAsync(l => string.Equals(l, $"dotcat: connection from {friend.LocalEndPoint}", StringComparison.Ordinal));
        await stranger.SendToAsync("nor this\n"u8.ToArray(), target);
        // The friend hears stdin: the session is its own.
        await dotcat.Stdin.WriteAsync("reply\n"u8.ToArray());
        await dotcat.Stdin.FlushAsync();
        var buffer = new byte[64];
        int read = await friend.ReceiveAsync(buffer).WaitAsync(Timeout);
        Encoding.ASCII.GetString(buffer, 0, read).ShouldBe("reply\n");
        await dotcat.WaitForStdoutBytesAsync("this\n".Length);   // written by its own pump, maybe after the reply went
        dotcat.Interrupt();
        await dotcat.WaitForExitAsync();
        (await dotcat.StdoutTextAsync()).ShouldBe("this\n");
    }

    [Fact]
    public async Task A_block_with_host_bits_set_is_named_with_v()
    {
        await using var dotcat = DotcatRun.Start("-lk", "0", "-v", "--allow", "127.0.0.1/8", "--respond", "echo");
        await dotcat.WaitForListeningPortAsync();
        await dotcat.WaitForStderrAsync(l => string.Equals(l, "dotcat: --allow: '127.0.0.1/8' has host bits set; it means 127.0.0.0/8", StringComparison.Ordinal));
    }
}
