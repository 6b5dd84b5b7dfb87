using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>SPEC section 3's UDP rules, with dotcat as a process and plain sockets as its peers.</summary>
public sealed class UdpTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    [Fact(Timeout = 60_000)]
    public async Task Udp_listener_without_k_answers_only_its_first_peer()
    {
        await using var listener = DotcatProcess.Start("-l", "-u", "-v", "127.0.0.1", "0");
        var at = new IPEndPoint(IPAddress.Loopback, await listener.WaitForListeningPortAsync());
        using var a = NewPeer();
        using var b = NewPeer();

        await a.SendToAsync("from-A\n"u8.ToArray(), at);
        await listener.WaitForStderrAsync(l => string.Equals(l, $"dotcat: connection from {a.LocalEndPoint}", StringComparison.Ordinal));
        await b.SendToAsync("from-B\n"u8.ToArray(), at);
        await a.SendToAsync("A-again\n"u8.ToArray(), at);
        await listener.Stdin.WriteAsync("reply\n"u8.ToArray());
        await listener.Stdin.FlushAsync();

        (await ReceiveTextAsync(a)).ShouldBe("reply\n");
        await listener.DisposeAsync();
        (await listener.StdoutTextAsync()).ShouldBe("from-A\nA-again\n");
        listener.Stderr.ShouldNotContain(b.LocalEndPoint!.ToString()!);
    }

    /// <summary>
    /// A datagram is read whole or lost: the largest the relay may meet must fit its first read, after the first
    /// datagram as well (a 16 KiB first buffer once cut a 60,000-byte datagram to 16,384 bytes, silently).
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task A_large_datagram_reaches_stdout_whole()
    {
        using var stdout = new ProgressStream();
        await using var listener = DotcatProcess.Start(["-l", "-u", "-v", "127.0.0.1", "0"], stdout);
        var at = new IPEndPoint(IPAddress.Loopback, await listener.WaitForListeningPortAsync());
        using var peer = NewPeer();
        byte[] large = new byte[60_000];
        new Random(7).NextBytes(large);

        await peer.SendToAsync("hi\n"u8.ToArray(), at);
        await stdout.WaitForAsync(3);
        await peer.SendToAsync(large, at);
        await stdout.WaitForAsync(3 + large.Length);
        await peer.SendToAsync(large, at);
        await stdout.WaitForAsync(3 + (2 * large.Length));

        await listener.DisposeAsync();
        stdout.ToArray().ShouldBe([.. "hi\n"u8, .. large, .. large]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_listener_with_k_hears_every_peer_and_answers_the_one_that_spoke_last()
    {
        using var stdout = new ProgressStream();
        await using var listener = DotcatProcess.Start(["-l", "-u", "-k", "-v", "127.0.0.1", "0"], stdout);
        var at = new IPEndPoint(IPAddress.Loopback, await listener.WaitForListeningPortAsync());
        using var a = NewPeer();
        using var b = NewPeer();

        await a.SendToAsync("A1\n"u8.ToArray(), at);
        await stdout.WaitForAsync(3);
        await b.SendToAsync("B1\n"u8.ToArray(), at);
        await stdout.WaitForAsync(6);
        await WriteLineAsync(listener, "to-B\n");
        (await ReceiveTextAsync(b)).ShouldBe("to-B\n");

        await a.SendToAsync("A2\n"u8.ToArray(), at);
        await stdout.WaitForAsync(9);
        await WriteLineAsync(listener, "to-A\n");
        (await ReceiveTextAsync(a)).ShouldBe("to-A\n");

        await listener.DisposeAsync();
        stdout.ToArray().ShouldBe("A1\nB1\nA2\n"u8.ToArray());
        listener.Stderr.ShouldContain($"dotcat: connection from {a.LocalEndPoint}");
        listener.Stderr.ShouldContain($"dotcat: connection from {b.LocalEndPoint}");
        listener.Stderr.Split('\n').Count(l => l.Contains("connection from", StringComparison.Ordinal)).ShouldBe(2);
    }

    private static async Task WriteLineAsync(DotcatProcess process, string text)
    {
        await process.Stdin.WriteAsync(Encoding.UTF8.GetBytes(text));
        await process.Stdin.FlushAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_stdin_read_becomes_one_datagram_with_no_probe_bytes()
    {
        using var peer = NewPeer();
        await using var client = DotcatProcess.Start("-u", "127.0.0.1", Port(peer));
        foreach (string text in new[] { "first", "second datagram", "3" })
        {
            await client.Stdin.WriteAsync(Encoding.ASCII.GetBytes(text));
            await client.Stdin.FlushAsync();
            (await ReceiveTextAsync(peer)).ShouldBe(text);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Input_larger_than_a_datagram_is_split_not_truncated()
    {
        using var peer = NewPeer();
        await using var client = DotcatProcess.Start("-u", "127.0.0.1", Port(peer));
        byte[] data = Peers.RandomBytes(150_000);
        await client.Stdin.WriteAsync(data);
        await client.Stdin.FlushAsync();

        var received = new List<byte>();
        var buffer = new byte[70_000];
        while (received.Count < data.Length)
        {
            int n = await peer.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(DotcatProcess.DefaultTimeout);
            n.ShouldBeLessThanOrEqualTo(65_507);
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        received.ToArray().ShouldBe(data);
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_client_ends_one_second_after_stdin_EOF_by_default()
    {
        using var peer = NewPeer();
        await using var client = DotcatProcess.Start("-u", "127.0.0.1", Port(peer));
        await client.Stdin.WriteAsync("ping"u8.ToArray());
        await client.Stdin.FlushAsync();
        (await ReceiveTextAsync(peer)).ShouldBe("ping");

        var clock = Stopwatch.StartNew();
        client.CloseStdin();
        (await client.WaitForExitAsync()).ShouldBe(0);
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_client_keeps_receiving_after_EOF_while_replies_arrive()
    {
        using var peer = NewPeer();
        await using var client = DotcatProcess.Start("-u", "127.0.0.1", Port(peer));
        await client.Stdin.WriteAsync("ping"u8.ToArray());
        client.CloseStdin();
        var from = new IPEndPoint(IPAddress.Any, 0);
        SocketReceiveFromResult got = await peer.ReceiveFromAsync(new byte[100], SocketFlags.None, from);
        await peer.SendToAsync("late reply"u8.ToArray(), got.RemoteEndPoint);

        (await client.WaitForExitAsync()).ShouldBe(0);
        (await client.StdoutTextAsync()).ShouldBe("late reply");
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_client_with_q0_ends_at_once_after_stdin_EOF()
    {
        using var peer = NewPeer();
        await using var client = DotcatProcess.Start("-u", "-q", "0", "127.0.0.1", Port(peer));
        await client.Stdin.WriteAsync("ping"u8.ToArray());
        await client.Stdin.FlushAsync();
        var first = new byte[100];
        SocketReceiveFromResult got = await peer.ReceiveFromAsync(first, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).WaitAsync(DotcatProcess.DefaultTimeout);
        Encoding.UTF8.GetString(first, 0, got.ReceivedBytes).ShouldBe("ping");

        // The peer never falls silent: any wait for quiet after EOF (the default waits for 1 s of it) would never end,
        // so an exit proves -q 0 waits for none, with no clock to miss on a busy machine.
        using var stop = new CancellationTokenSource();
        Task chatter = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await tick.WaitForNextTickAsync(stop.Token))
                await peer.SendToAsync("tick"u8.ToArray(), got.RemoteEndPoint);
        });
        client.CloseStdin();
        (await client.WaitForExitAsync()).ShouldBe(0);
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(chatter);
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_client_without_a_listener_fails_with_connection_refused_instead_of_hanging()
    {
        string port = FreePorts.Pick(ProtocolType.Udp).ToString(CultureInfo.InvariantCulture);   // no one listens there
        await using var client = DotcatProcess.Start("-u", "127.0.0.1", port);
        await client.Stdin.WriteAsync("hello\n"u8.ToArray());
        client.CloseStdin();

        (await client.WaitForExitAsync()).ShouldBe(1);
        // The refusal (an ICMP answer to "hello") may come before or after dotcat has read stdin's EOF; when before,
        // the line also says what stdin still held. Either way it is one line that names the refusal.
        client.Stderr.ShouldMatch($@"^dotcat: connection with 127\.0\.0\.1:{port} failed: connection refused(; .*not sent.*)?\n$");
        (await client.StdoutAsync()).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_client_binds_the_source_port_given_with_p()
    {
        using var peer = NewPeer();
        string source;
        using (Socket free = NewPeer())
            source = Port(free);
        await using var client = DotcatProcess.Start("-u", "-s", "127.0.0.1", "-p", source, "127.0.0.1", Port(peer));
        await client.Stdin.WriteAsync("x"u8.ToArray());
        await client.Stdin.FlushAsync();
        SocketReceiveFromResult got = await peer.ReceiveFromAsync(new byte[10], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0))
            .WaitAsync(DotcatProcess.DefaultTimeout);
        ((IPEndPoint)got.RemoteEndPoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(source);
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_listener_with_empty_stdin_keeps_receiving()
    {
        using var stdout = new ProgressStream();
        await using var listener = DotcatProcess.Start(["-l", "-u", "-v", "127.0.0.1", "0"], stdout);
        listener.CloseStdin();
        var at = new IPEndPoint(IPAddress.Loopback, await listener.WaitForListeningPortAsync());
        using var a = NewPeer();
        await a.SendToAsync("one\n"u8.ToArray(), at);
        await stdout.WaitForAsync(4);
        // Well past the client's default -q of 1 s: a listener does not quit after stdin's EOF.
        await a.SendToAsync("two\n"u8.ToArray(), at);
        await stdout.WaitForAsync(8);
        await Should.ThrowAsync<TimeoutException>(() => listener.WaitForExitAsync(TimeSpan.FromSeconds(1.5)));
        await a.SendToAsync("three\n"u8.ToArray(), at);
        await stdout.WaitForAsync(14);
        stdout.ToArray().ShouldBe("one\ntwo\nthree\n"u8.ToArray());
    }

    private static Socket NewPeer()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(Loopback);
        return socket;
    }

    private static string Port(Socket socket) =>
        ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> ReceiveTextAsync(Socket socket)
    {
        var buffer = new byte[70_000];
        int n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(DotcatProcess.DefaultTimeout);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
