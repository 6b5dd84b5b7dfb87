using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Exec;

/// <summary><c>-e</c>/<c>-c</c> through the built dotcat: a process per connection, in listen and connect mode.</summary>
public class ExecCommandTests
{
    [UnixFact(Timeout = 60_000)]
    public async Task Keep_open_exec_cat_echoes_for_several_clients_at_once()
    {
        await using var dotcat = DotcatRun.Start("-lk", "127.0.0.1", "0", "-v", "-e", "/bin/cat");
        int port = await dotcat.WaitForListeningPortAsync();

        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Sockets.ConnectAsync(port)));
        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            await client.SendAsync($"hello from {i}\n");
            (await client.ReadUntilAsync("\n")).ShouldBe($"hello from {i}\n");
            await client.SendAsync("bye");
            client.Shutdown(SocketShutdown.Send);
            Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe("bye");
        }));
        foreach (Socket client in clients)
            client.Dispose();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Idle_timeout_ends_a_silent_child_and_names_the_peer()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "-i", "0.5", "-e", "sleep 30");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);

        (await dotcat.WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBe(1);
        dotcat.Stderr.ShouldMatch(@"dotcat: 127\.0\.0\.1:\d+: idle timeout: no data for 0\.5s");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Exec_over_udp_serves_the_first_peer_and_says_udp()
    {
        await using var dotcat = DotcatRun.Start("-lu", "127.0.0.1", "0", "-v", "-c", "echo \"$DOTCAT_PROTO\"; cat");
        int port = await dotcat.WaitForListeningPortAsync();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(IPAddress.Loopback, port);
        await client.SendAsync("ping\n"u8.ToArray());
        var received = new StringBuilder();
        var buffer = new byte[100];
        while (received.Length < "udp\nping\n".Length)
            received.Append(Encoding.UTF8.GetString(buffer, 0, await client.ReceiveAsync(buffer)));

        received.ToString().ShouldBe("udp\nping\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Keep_open_exec_over_udp_gives_each_peer_a_process_of_its_own()
    {
        await using var dotcat = DotcatRun.Start("-luk", "127.0.0.1", "0", "-v", "-c", "echo \"$DOTCAT_REMOTE_PORT\"; cat");
        int port = await dotcat.WaitForListeningPortAsync();
        using Socket first = UdpPeer(port), second = UdpPeer(port);

        // Each process names its own peer's port first, then echoes only what that peer sends.
        await first.SendAsync("one\n"u8.ToArray());
        (await ReceiveTextAsync(first, 2)).ShouldBe($"{LocalPort(first)}\none\n");
        await second.SendAsync("two\n"u8.ToArray());
        (await ReceiveTextAsync(second, 2)).ShouldBe($"{LocalPort(second)}\ntwo\n");
        await first.SendAsync("again\n"u8.ToArray());
        (await ReceiveTextAsync(first, 1)).ShouldBe("again\n");
        second.Available.ShouldBe(0);
        dotcat.Stderr.ShouldContain($"connection from 127.0.0.1:{LocalPort(second)}");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Keep_open_exec_over_udp_a_peer_whose_process_exited_gets_a_new_one()
    {
        await using var dotcat = DotcatRun.Start("-luk", "127.0.0.1", "0", "-v", "-c", "read line; echo \"got $line\"");
        int port = await dotcat.WaitForListeningPortAsync();
        using Socket peer = UdpPeer(port);

        await peer.SendAsync("a\n"u8.ToArray());
        (await ReceiveTextAsync(peer, 1)).ShouldBe("got a\n");
        // The first process has exited after its one line and its session has ended (the -v summary): this line
        // needs, and gets, a second process.
        await dotcat.WaitForStderrAsync(e => e.Contains("received in", StringComparison.Ordinal));
        // The summary comes just before the ended session lets go of its peer, and a datagram that falls in between
        // is dropped (UDP): so the peer resends, as a UDP client would, until an answer comes. Only a new process
        // can answer, the first one has exited.
        string? answer = null;
        for (int attempt = 0; attempt < 50 && answer is null; attempt++)
        {
            await peer.SendAsync("b\n"u8.ToArray());
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                answer = await ReceiveTextAsync(peer, 1, wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        answer.ShouldBe("got b\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Keep_open_exec_over_udp_turns_away_peers_over_max_conns()
    {
        await using var dotcat = DotcatRun.Start("-luk", "127.0.0.1", "0", "-v", "-m", "1", "-e", "/bin/cat");
        int port = await dotcat.WaitForListeningPortAsync();
        using Socket first = UdpPeer(port), second = UdpPeer(port);

        await first.SendAsync("one\n"u8.ToArray());
        (await ReceiveTextAsync(first, 1)).ShouldBe("one\n");
        await second.SendAsync("two\n"u8.ToArray());

        await dotcat.WaitForStderrAsync(e => e.Contains($"connection from 127.0.0.1:{LocalPort(second)} closed: 1 clients already connected (-m)", StringComparison.Ordinal));
    }

    private static Socket UdpPeer(int port)
    {
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Connect(IPAddress.Loopback, port);
        return peer;
    }

    private static int LocalPort(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>Datagrams until <paramref name="lines"/> lines have come (a process may print a line per write).</summary>
    private static async Task<string> ReceiveTextAsync(Socket socket, int lines, CancellationToken cancellationToken = default)
    {
        var received = new StringBuilder();
        var buffer = new byte[65_536];
        while (received.ToString().Count(c => c == '\n') < lines)
            received.Append(Encoding.UTF8.GetString(buffer, 0, await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)));
        return received.ToString();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Exec_splits_arguments_without_a_shell()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "-e", "printf '%s|' 'a b' $HOME \"c;d\"");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe("a b|$HOME|c;d|");
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Sh_exec_runs_through_the_shell_and_sees_the_connection_in_its_environment()
    {
        await using var dotcat = DotcatRun.Start(
            "-l", "127.0.0.1", "0", "-v", "-c", "echo \"$DOTCAT_PROTO $DOTCAT_REMOTE_ADDR $DOTCAT_REMOTE_PORT $DOTCAT_LOCAL_ADDR $DOTCAT_LOCAL_PORT\" | tr a-z A-Z");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        int clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe($"TCP 127.0.0.1 {clientPort} 127.0.0.1 {port}\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Sh_exec_sees_ncat_s_own_variable_names()
    {
        await using var dotcat = DotcatRun.Start(
            "-l", "127.0.0.1", "0", "-v", "-c", "echo \"$NCAT_PROTO $NCAT_REMOTE_ADDR $NCAT_REMOTE_PORT $NCAT_LOCAL_ADDR $NCAT_LOCAL_PORT\"");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        int clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe($"TCP 127.0.0.1 {clientPort} 127.0.0.1 {port}\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Crlf_with_exec_turns_the_process_s_line_ends_into_crlf()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "-C", "-c", "printf 'a\\nb\\r\\nc\\n'");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe("a\r\nb\r\nc\r\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Client_eof_closes_the_process_stdin_and_its_output_still_arrives()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "-e", "sort");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        await client.SendAsync("pear\napple\nfig\n");
        client.Shutdown(SocketShutdown.Send);

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe("apple\nfig\npear\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_process_that_exits_early_still_delivers_all_its_output_then_the_connection_closes()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "-c", "head -c 1000000 /dev/zero; echo end");
        int port = await dotcat.WaitForListeningPortAsync();

        // The client never half-closes: the process's exit alone ends the connection.
        using Socket client = await Sockets.ConnectAsync(port);
        byte[] received = await client.ReadToEndAsync();

        received.Length.ShouldBe(1_000_004);
        Encoding.ASCII.GetString(received[^4..]).ShouldBe("end\n");
        received[..1_000_000].ShouldAllBe(b => b == 0);
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Connect_mode_exec_joins_the_process_to_the_server()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        await using var dotcat = DotcatRun.Start("-c", "read line; echo \"got $line from $DOTCAT_REMOTE_PORT\"", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Socket server = await listener.AcceptAsync();
        await server.SendAsync("ping\n");

        Encoding.UTF8.GetString(await server.ReadToEndAsync()).ShouldBe($"got ping from {port}\n");
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_that_cannot_start_fails_connect_mode_with_a_clear_error()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        await using var dotcat = DotcatRun.Start("-e", "nosuch-program arg", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        (await dotcat.WaitForExitAsync()).ShouldBe(1);
        dotcat.Stderr.TrimEnd().ShouldBe("dotcat: cannot run 'nosuch-program': no such file or directory");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_that_cannot_start_is_logged_and_a_keep_open_listener_goes_on()
    {
        await using var dotcat = DotcatRun.Start("-lk", "127.0.0.1", "0", "-v", "-e", "nosuch-program");
        int port = await dotcat.WaitForListeningPortAsync();

        for (int i = 0; i < 2; i++)
        {
            using Socket client = await Sockets.ConnectAsync(port);
            (await client.ReadToEndAsync()).ShouldBeEmpty();
        }

        // One error line per connection (each waited for: the line may follow the close).
        for (int i = 0; i < 2; i++)
            await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: cannot run 'nosuch-program': ", StringComparison.Ordinal));
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_client_that_resets_ends_its_process_and_the_session()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "-e", "/bin/cat");
        int port = await dotcat.WaitForListeningPortAsync();

        using (Socket client = await Sockets.ConnectAsync(port))
        {
            await client.SendAsync("x\n");
            await client.ReadUntilAsync("x\n");
            client.LingerState = new LingerOption(true, 0); // close with RST
        }

        // cat saw its stdin close, so the one-client listener ends.
        await dotcat.WaitForExitAsync();
    }
}
