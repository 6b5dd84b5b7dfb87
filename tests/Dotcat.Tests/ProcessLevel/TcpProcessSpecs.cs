using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>The built dotcat over TCP, as a user runs it: SPEC sections 3 and 4.</summary>
public class TcpProcessSpecs
{
    private const int SixtyFourMiB = 64 * 1024 * 1024;

    [Fact(Timeout = 60_000)]
    public async Task Echo_hi_reaches_a_listener_and_both_end_cleanly()
    {
        await using var listener = DotcatProcess.Start(["-l", "127.0.0.1", "0", "-v"], stdinFile: "/dev/null");
        int port = await listener.WaitForListeningPortAsync();

        await using var client = DotcatProcess.Start("-v", "127.0.0.1", port.ToString());
        await client.Stdin.WriteAsync("hi\n"u8.ToArray());
        client.CloseStdin();

        (await client.WaitForExitAsync()).ShouldBe(0);
        (await listener.WaitForExitAsync()).ShouldBe(0);
        (await listener.StdoutTextAsync()).ShouldBe("hi\n");
        client.Stderr.ShouldContain($"dotcat: connected to 127.0.0.1:{port}");
        client.Stderr.ShouldContain("dotcat: 3 bytes sent, 0 bytes received in ");
        listener.Stderr.ShouldStartWith($"dotcat: listening on 127.0.0.1:{port}");
        listener.Stderr.ShouldMatch(@"dotcat: connection from 127\.0\.0\.1:\d+");
        listener.Stderr.ShouldMatch(@"dotcat: 0 bytes sent, 3 bytes received in \d+\.\d\d seconds");
    }

    [Fact(Timeout = 60_000)]
    public async Task Sixty_four_MiB_of_random_bytes_reach_the_listener_unchanged()
    {
        using var data = new RandomFile(SixtyFourMiB);
        var received = new HashingStream();
        await using var listener = DotcatProcess.Start(["-l", "127.0.0.1", "0", "-v"], stdoutTarget: received, stdinFile: "/dev/null");
        int port = await listener.WaitForListeningPortAsync();

        await using var client = DotcatProcess.Start(["127.0.0.1", port.ToString()], stdinFile: data.Path);

        (await client.WaitForExitAsync(TimeSpan.FromSeconds(50))).ShouldBe(0);
        (await listener.WaitForExitAsync()).ShouldBe(0);
        await listener.StdoutAsync();
        received.Written.ShouldBe(SixtyFourMiB);
        received.Hash().ShouldBe(data.Hash);
    }

    [Fact(Timeout = 60_000)]
    public async Task Sixty_four_MiB_of_random_bytes_reach_the_client_unchanged()
    {
        using var data = new RandomFile(SixtyFourMiB);
        await using var listener = DotcatProcess.Start(["-l", "127.0.0.1", "0", "-v"], stdinFile: data.Path);
        int port = await listener.WaitForListeningPortAsync();

        var received = new HashingStream();
        await using var client = DotcatProcess.Start(["127.0.0.1", port.ToString()], stdoutTarget: received, stdinFile: "/dev/null");

        (await client.WaitForExitAsync(TimeSpan.FromSeconds(50))).ShouldBe(0);
        (await listener.WaitForExitAsync()).ShouldBe(0);
        await client.StdoutAsync();
        received.Written.ShouldBe(SixtyFourMiB);
        received.Hash().ShouldBe(data.Hash);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_file_uploaded_to_a_listener_with_empty_stdin_arrives_whole()
    {
        // The listener half-closes at once (its stdin is empty); the client must still send the rest of its file.
        using var data = new RandomFile(8 * 1024 * 1024);
        var received = new HashingStream();
        await using var listener = DotcatProcess.Start(["-l", "127.0.0.1", "0", "-v"], stdoutTarget: received);
        listener.CloseStdin();
        int port = await listener.WaitForListeningPortAsync();

        await using var client = DotcatProcess.Start(["127.0.0.1", port.ToString()], stdinFile: data.Path);

        (await client.WaitForExitAsync()).ShouldBe(0);
        (await listener.WaitForExitAsync()).ShouldBe(0);
        await listener.StdoutAsync();
        received.Hash().ShouldBe(data.Hash);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_peer_reply_after_our_half_close_is_delivered()
    {
        using var server = new OnePeer(async peer =>
        {
            byte[] request = await ReadToEndAsync(peer);                 // returns only after dotcat's FIN
            await peer.SendAsync(Encoding.ASCII.GetBytes("reply to " + Encoding.ASCII.GetString(request)));
            peer.Shutdown(SocketShutdown.Send);
        });

        await using var client = DotcatProcess.Start("127.0.0.1", server.Port);
        await client.Stdin.WriteAsync("hello"u8.ToArray());
        client.CloseStdin();

        (await client.WaitForExitAsync()).ShouldBe(0);
        (await client.StdoutTextAsync()).ShouldBe("reply to hello");
        await server.Served;
    }

    [Fact(Timeout = 60_000)]
    public async Task The_peer_half_closing_first_leaves_a_producer_on_stdin_sending_until_its_eof()
    {
        var upload = new TaskCompletionSource<byte[]>();
        var halfClosed = new TaskCompletionSource();
        using var server = new OnePeer(async peer =>
        {
            await peer.SendAsync("bye\n"u8.ToArray());
            peer.Shutdown(SocketShutdown.Send);                           // sends nothing more, still reads
            halfClosed.SetResult();
            upload.SetResult(await ReadToEndAsync(peer));
        });

        await using var client = DotcatProcess.Start("127.0.0.1", server.Port);   // stdin: a pipe, still open
        await halfClosed.Task;
        await client.Stdin.WriteAsync("still coming\n"u8.ToArray());
        client.CloseStdin();

        (await client.WaitForExitAsync()).ShouldBe(0);
        (await client.StdoutTextAsync()).ShouldBe("bye\n");
        (await upload.Task).ShouldBe("still coming\n"u8.ToArray());
        await server.Served;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_listener_with_closed_stdin_still_serves_its_client()
    {
        await using var listener = DotcatProcess.Start("-l", "127.0.0.1", "0", "-v");
        listener.CloseStdin();
        int port = await listener.WaitForListeningPortAsync();

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        (await ReadToEndAsync(client)).ShouldBeEmpty();                  // half-closed toward us at once
        await client.SendAsync("still heard\n"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        (await listener.WaitForExitAsync()).ShouldBe(0);
        (await listener.StdoutTextAsync()).ShouldBe("still heard\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_peer_reset_is_a_failure()
    {
        using var server = new OnePeer(async peer =>
        {
            await peer.ReceiveAsync(new byte[16]);                        // dotcat is connected and talking
            peer.LingerState = new LingerOption(true, 0);                 // close sends RST, not FIN
        });

        await using var client = DotcatProcess.Start("127.0.0.1", server.Port);
        await client.Stdin.WriteAsync("ping\n"u8.ToArray());
        await client.Stdin.FlushAsync();

        (await client.WaitForExitAsync()).ShouldBe(1);
        client.Stderr.ShouldBe($"dotcat: connection with 127.0.0.1:{server.Port} failed: connection reset by peer\n");
        await server.Served;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refused_connection_fails_with_one_line()
    {
        int port = UnusedPort();
        await using var client = DotcatProcess.Start("127.0.0.1", port.ToString());

        (await client.WaitForExitAsync()).ShouldBe(1);
        client.Stderr.ShouldBe($"dotcat: cannot connect to 127.0.0.1:{port}: connection refused\n");
        (await client.StdoutAsync()).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Wait_bounds_a_connect_that_gets_no_answer()
    {
        // A listener whose accept queue is full drops further SYNs, so a connect to it hangs: on loopback, with no sleep.
        using var full = new Socket(SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var fillers = new List<Socket>();
        try
        {
            await FillAcceptQueueAsync(full, fillers);
            int port = Port(full);
            await using var client = DotcatProcess.Start("-w", "300ms", "127.0.0.1", port.ToString());

            (await client.WaitForExitAsync()).ShouldBe(1);
            client.Stderr.ShouldBe($"dotcat: cannot connect to 127.0.0.1:{port}: timed out after 0.3s\n");
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Idle_timeout_ends_a_silent_session_with_exit_1()
    {
        using var server = new OnePeer(async peer => await peer.ReceiveAsync(new byte[16]));   // silent until dotcat leaves

        await using var client = DotcatProcess.Start("-i", "0.3", "127.0.0.1", server.Port);

        (await client.WaitForExitAsync()).ShouldBe(1);
        client.Stderr.ShouldBe($"dotcat: 127.0.0.1:{server.Port}: idle timeout: no data for 0.3s\n");
        await server.Served;
    }

    [Fact(Timeout = 60_000)]
    public async Task Keep_open_serves_two_clients_at_once_and_outlives_them()
    {
        await using var listener = DotcatProcess.Start("-lk", "-v", "127.0.0.1", "0");
        int port = await listener.WaitForListeningPortAsync();

        using var a = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var b = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await a.ConnectAsync(IPAddress.Loopback, port);
        await b.ConnectAsync(IPAddress.Loopback, port);
        // A client whose bytes reached stdout is being served, and so hears stdin from then on ("connection from" is
        // said before that: stdin written on seeing it could reach one client only).
        await a.SendAsync("from a\n"u8.ToArray());
        await b.SendAsync("from b\n"u8.ToArray());
        await listener.WaitForStdoutTextAsync("from a\n");
        await listener.WaitForStdoutTextAsync("from b\n");

        await listener.Stdin.WriteAsync("to all\n"u8.ToArray());
        await listener.Stdin.FlushAsync();
        (await ReadExactlyAsync(a, 7)).ShouldBe("to all\n");
        (await ReadExactlyAsync(b, 7)).ShouldBe("to all\n");

        a.Shutdown(SocketShutdown.Send);
        b.Shutdown(SocketShutdown.Send);
        await listener.WaitForStderrAsync(l => l.Contains("bytes received", StringComparison.Ordinal));
        await listener.WaitForStderrAsync(l => l.Contains("bytes received", StringComparison.Ordinal));

        using var c = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await c.ConnectAsync(IPAddress.Loopback, port);                 // both left; the listener is still there
        listener.CloseStdin();
        (await ReadToEndAsync(c)).ShouldBeEmpty();                       // stdin ended: half-closed toward c
        c.Dispose();
        listener.Signal(15);
        (await listener.WaitForExitAsync()).ShouldBe(143);
        string stdout = await listener.StdoutTextAsync();
        stdout.ShouldContain("from a\n");
        stdout.ShouldContain("from b\n");
        stdout.Length.ShouldBe(14);
    }

    [Fact(Timeout = 60_000)]
    public async Task Max_conns_closes_a_client_over_the_limit_at_once()
    {
        await using var listener = DotcatProcess.Start("-lk", "-m", "1", "-v", "127.0.0.1", "0");
        int port = await listener.WaitForListeningPortAsync();

        using var first = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(IPAddress.Loopback, port);
        await listener.WaitForStderrAsync(l => l.Contains("connection from", StringComparison.Ordinal));
        using var second = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(IPAddress.Loopback, port);

        (await ReadToEndAsync(second)).ShouldBeEmpty();
        await listener.WaitForStderrAsync(l => l.EndsWith("1 clients already connected (-m)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reader_that_leaves_early_ends_dotcat_quietly()
    {
        using var stop = new CancellationTokenSource();
        using var server = new OnePeer(async peer =>
        {
            var chunk = new byte[64 * 1024];
            try
            {
                while (!stop.IsCancellationRequested)
                    await peer.SendAsync(chunk, stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }
        });

        var reader = new LeavingReader(100);
        await using var client = DotcatProcess.Start(["127.0.0.1", server.Port], stdoutTarget: reader);

        (await client.WaitForExitAsync()).ShouldBe(141);
        client.Stderr.ShouldBeEmpty();
        await stop.CancelAsync();
        await server.Served;
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Output_to_a_file_moves_the_shells_offset_so_later_writes_follow_it()
    {
        using var server = new OnePeer(async peer =>
        {
            await peer.SendAsync("hello\n"u8.ToArray());
        });
        string output = Path.GetTempFileName();
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("out=$1; shift; { echo before; \"$@\" < /dev/null; echo after; } > \"$out\"");
            info.ArgumentList.Add("sh");
            info.ArgumentList.Add(output);
            (string program, IEnumerable<string> args) = DotcatProcess.DotcatCommand(["127.0.0.1", server.Port]);
            info.ArgumentList.Add(program);
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }
            using var shell = System.Diagnostics.Process.Start(info)!;
            await shell.WaitForExitAsync();

            shell.ExitCode.ShouldBe(0);
            (await File.ReadAllTextAsync(output)).ShouldBe("before\nhello\nafter\n");
        }
        finally
        {
            File.Delete(output);
        }
        await server.Served;
    }

    [SignalTheory(2, Timeout = 60_000)]
    [InlineData(2, 130)]
    public Task Sigint_exits_130(int signal, int exitCode) => SignalExitsAsync(signal, exitCode);

    [SignalTheory(15, Timeout = 60_000)]
    [InlineData(15, 143)]
    public Task Sigterm_exits_143(int signal, int exitCode) => SignalExitsAsync(signal, exitCode);

    // Apart, so that SIGINT is skipped where it is ignored (a shell starts background jobs so, and dotcat inherits it,
    // as every program does) while SIGTERM is still tested.
    private static async Task SignalExitsAsync(int signal, int exitCode)
    {
        await using var listener = DotcatProcess.Start("-l", "127.0.0.1", "0", "-v");
        await listener.WaitForListeningPortAsync();
        listener.Signal(signal);
        (await listener.WaitForExitAsync()).ShouldBe(exitCode);
        listener.Stderr.ShouldNotContain("Exception");
    }

    /// <summary>The peer dotcat talks to in a test: a loopback TCP server for one connection, answered by a handler.</summary>
    private sealed class OnePeer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public OnePeer(Func<Socket, Task> handle)
        {
            _listener.Start();
            Served = Task.Run(async () =>
            {
                using Socket peer = await _listener.AcceptSocketAsync();
                await handle(peer);
            });
        }

        public string Port => ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        /// <summary>Completes when the handler is done with the connection.</summary>
        public Task Served { get; }

        public void Dispose() => _listener.Stop();
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>A port with no listener, that no port-0 bind elsewhere takes meanwhile (see <see cref="FreePorts"/>).</summary>
    private static int UnusedPort() => FreePorts.Pick(ProtocolType.Tcp);

    private static async Task FillAcceptQueueAsync(Socket listener, List<Socket> fillers)
    {
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        for (int i = 0; i < 16; i++)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            fillers.Add(socket);
            // A loopback connect the queue has room for completes at once; 2 s tells "dropped" from a busy machine.
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.ConnectAsync(endPoint, attempt.Token);
            }
            catch (OperationCanceledException)
            {
                return;   // this one hangs: the queue is full
            }
        }
        throw new InvalidOperationException("could not fill the accept queue");
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
            all.Write(buffer, 0, read);
        return all.ToArray();
    }

    private static async Task<string> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total));
            if (read == 0)
                break;
            total += read;
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_keep_open_listener_reports_a_stdin_that_fails_and_half_closes_its_client()
    {
        // `dotcat -lk PORT < /`: reading a directory fails; that is said once, and the client sees stdin's end.
        await using var listener = DotcatProcess.Start(["-lk", "127.0.0.1", "0", "-v"], stdinFile: "/");
        int port = await listener.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        (await client.ReadToEndAsync()).ShouldBeEmpty();
        await listener.WaitForStderrAsync(l => l.StartsWith("dotcat: cannot read stdin: ", StringComparison.Ordinal));
    }
}
