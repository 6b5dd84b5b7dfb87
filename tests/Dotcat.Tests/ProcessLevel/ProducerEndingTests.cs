using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Tests.InMemory.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// SPEC section 3 as shell users meet it: a producer on stdin keeps sending after the peer's EOF until its own EOF,
/// however long it pauses; an upload cut off by a peer that dies is a failure that says how much was not sent.
/// </summary>
public class ProducerEndingTests
{
    private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "dotcat.dll");

    /// <summary>A shell pipeline ending in dotcat: <c>$DOTCAT</c> runs it.</summary>
    private static DotcatProcess Pipeline(string script) => DotcatProcess.StartProgram(
        "/bin/sh",
        ["-c", script],
        environment: new Dictionary<string, string> { ["DOTCAT"] = $"'{Dotnet}' '{Dll}'" });

    [UnixFact(Timeout = 60_000)]
    public async Task A_producer_that_pauses_after_the_listener_half_closed_delivers_everything()
    {
        var received = new HashingStream();
        await using var listener = DotcatProcess.Start(["-l", "127.0.0.1", "0", "-v"], stdoutTarget: received, stdinFile: "/dev/null");
        int port = await listener.WaitForListeningPortAsync();

        // The pause (the scenario itself) is longer than the 0.5 s after which dotcat used to give up.
        await using var client = Pipeline(
            $"(head -c 1048576 /dev/zero; sleep 1; head -c 1048576 /dev/zero) | eval \"$DOTCAT 127.0.0.1 {port}\"");

        (await client.WaitForExitAsync()).ShouldBe(0, client.Stderr);
        (await listener.WaitForExitAsync()).ShouldBe(0, listener.Stderr);
        await listener.StdoutAsync();
        received.Written.ShouldBe(2 * 1048576);
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_keep_open_listener_with_empty_stdin_gets_each_pausing_clients_second_line()
    {
        await using var listener = DotcatProcess.Start(["-lk", "127.0.0.1", "0", "-v"], stdinFile: "/dev/null");
        int port = await listener.WaitForListeningPortAsync();

        await using var first = Pipeline($"(echo one-a; sleep 0.8; echo two-a) | eval \"$DOTCAT 127.0.0.1 {port}\"");
        await using var second = Pipeline($"(echo one-b; sleep 0.8; echo two-b) | eval \"$DOTCAT 127.0.0.1 {port}\"");
        (await first.WaitForExitAsync()).ShouldBe(0, first.Stderr);
        (await second.WaitForExitAsync()).ShouldBe(0, second.Stderr);
        for (int client = 0; client < 2; client++)
            await listener.WaitForStderrAsync(l => l.Contains(" bytes received in ", StringComparison.Ordinal));
        await listener.DisposeAsync();

        string log = await listener.StdoutTextAsync();
        foreach (string line in new[] { "one-a\n", "two-a\n", "one-b\n", "two-b\n" })
            log.ShouldContain(line);
    }

    [UnixFact(Timeout = 60_000)]
    public async Task The_clients_eof_ends_the_listeners_stdout_while_its_stdin_is_still_sent()
    {
        // As ncat: `dotcat -l PORT | tar x` finishes when the client is done, though dotcat still sends stdin.
        await using var listener = DotcatProcess.Start("-l", "127.0.0.1", "0", "-v");
        int port = await listener.WaitForListeningPortAsync();
        using Socket client = await Sockets.ConnectAsync(port);
        await client.SendAsync("abc\n");
        client.Shutdown(SocketShutdown.Send);

        (await listener.StdoutTextAsync().WaitAsync(TimeSpan.FromSeconds(20))).ShouldBe("abc\n");   // EOF, while it runs
        await listener.Stdin.WriteAsync("more\n"u8.ToArray());
        listener.CloseStdin();
        (await client.ReadToEndAsync()).ShouldBe("more\n"u8.ToArray());
        (await listener.WaitForExitAsync()).ShouldBe(0, listener.Stderr);
    }

    [UnixFact(Timeout = 120_000)]
    public async Task An_upload_to_a_peer_killed_midway_fails_with_what_was_not_sent()
    {
        using var data = new RandomFile(64 * 1024 * 1024);
        for (int trial = 0; trial < 5; trial++)
        {
            var stalled = new StallingReader(1024 * 1024);
            await using var peer = DotcatProcess.Start(["-l", "127.0.0.1", "0", "-v"], stdoutTarget: stalled, stdinFile: "/dev/null");
            int port = await peer.WaitForListeningPortAsync();
            await using var client = DotcatProcess.Start(["127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], stdinFile: data.Path);

            await stalled.Reached;                                        // the upload is under way, and stuck
            peer.Signal(9);

            (await client.WaitForExitAsync()).ShouldBe(1, $"trial {trial}: {client.Stderr}");
            client.Stderr.ShouldMatch(
                $@"^dotcat: connection with 127\.0\.0\.1:{port} failed: connection reset by peer; \d+\.\d [KM]iB of stdin not sent, and stdin not read to its end\n$");
        }
    }

    [ShellFact("tmux", Timeout = 60_000)]
    public async Task With_a_terminal_on_stdin_the_peer_closing_first_ends_dotcat_once_its_bytes_are_written()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        int port = ((IPEndPoint)server.LocalEndpoint).Port;
        Task served = Task.Run(async () =>
        {
            using Socket peer = await server.AcceptSocketAsync();
            await peer.SendAsync("bye\n"u8.ToArray());
            peer.Shutdown(SocketShutdown.Send);                           // a half-close: the peer would still read
            await peer.ReceiveAsync(new byte[16]);                        // until dotcat leaves
        });
        string dir = Directory.CreateTempSubdirectory("dct").FullName;
        string socket = Path.Combine(dir, "t"), output = Path.Combine(dir, "out");
        try
        {
            (await Tmux("-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "20", "sh")).ShouldSucceed();
            // dotcat's stdin is the pane's terminal, nobody types: it must end by itself once "bye" is written.
            string line = $"'{Dotnet}' '{Dll}' 127.0.0.1 {port} > '{output}'; echo \"exit=$?\" >> '{output}'; tmux -S '{socket}' wait-for -S done\n";
            (await Tmux("send-keys", "-l", line)).ShouldSucceed();
            (await Tmux("wait-for", "done")).ShouldSucceed();

            (await File.ReadAllTextAsync(output)).ShouldBe("bye\nexit=0\n");
            await served;
        }
        finally
        {
            await Tmux("kill-server");
            Directory.Delete(dir, recursive: true);
        }

        Task<CompletionScriptsSpecs.ShellResult> Tmux(params string[] args) =>
            CompletionScriptsSpecs.Shell.RunAsync("tmux", ["-S", socket, .. args], dir, new Dictionary<string, string> { ["TERM"] = "xterm" });
    }

    /// <summary>A stdout reader that takes <c>limit</c> bytes and then stops reading, without failing (a stuck peer).</summary>
    private sealed class StallingReader(int limit) : WriteOnlyStream
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _taken;

        public Task Reached => _reached.Task;

        public override long Length => _taken;

        public override void Write(ReadOnlySpan<byte> buffer) => _taken += buffer.Length;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            if (_taken >= limit)
            {
                _reached.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        }
    }
}
