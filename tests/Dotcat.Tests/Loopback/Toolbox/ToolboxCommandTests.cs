using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Toolbox;

/// <summary>The toolbox options through the whole command, run in this process against an in-test TCP peer on loopback.</summary>
public sealed class ToolboxCommandTests : IDisposable
{
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dc");

    public ToolboxCommandTests() => _server.Start();

    private string Port => ((IPEndPoint)_server.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

    [Fact(Timeout = 60_000)]
    public async Task Output_file_gets_both_directions_in_order_and_v_prints_the_summary()
    {
        string file = Path.Combine(_dir.FullName, "session.bin");
        await using var dotcat = DotcatRun.Start("-v", "-o", file, "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();

        await dotcat.Stdin.WriteAsync("hello\n"u8.ToArray());
        dotcat.CloseStdin();
        (await ReadToEndAsync(peer)).ShouldBe("hello\n");
        await peer.SendAsync("world\n"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        (await dotcat.StdoutTextAsync()).ShouldBe("world\n");
        (await File.ReadAllTextAsync(file)).ShouldBe("hello\nworld\n");
        dotcat.Stderr.ShouldMatch(@"dotcat: 6 bytes sent, 6 bytes received in \d+\.\d\d seconds");
    }

    [Fact(Timeout = 60_000)]
    public async Task Hex_dump_file_marks_sent_and_received_blocks()
    {
        string file = Path.Combine(_dir.FullName, "dump.txt");
        await using var dotcat = DotcatRun.Start("-x", file, "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();

        await dotcat.Stdin.WriteAsync("ping"u8.ToArray());
        dotcat.CloseStdin();
        await ReadToEndAsync(peer);
        await peer.SendAsync("pong"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        (await File.ReadAllTextAsync(file)).ShouldBe(
            "> 00000000  70 69 6e 67                                       |ping|\n" +
            "< 00000000  70 6f 6e 67                                       |pong|\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Crlf_sends_LF_from_stdin_as_CRLF()
    {
        await using var dotcat = DotcatRun.Start("-C", "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();

        await dotcat.Stdin.WriteAsync("GET / HTTP/1.0\n\n"u8.ToArray());
        dotcat.CloseStdin();

        (await ReadToEndAsync(peer)).ShouldBe("GET / HTTP/1.0\r\n\r\n");
        peer.Shutdown(SocketShutdown.Send);
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_only_ignores_what_arrives_and_ends_at_stdin_EOF_while_the_peer_stays_connected()
    {
        await using var dotcat = DotcatRun.Start("--send-only", "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();
        await peer.SendAsync("noise"u8.ToArray());

        await dotcat.Stdin.WriteAsync("data"u8.ToArray());
        dotcat.CloseStdin();

        (await ReadToEndAsync(peer)).ShouldBe("data");
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        (await dotcat.StdoutAsync()).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Recv_only_never_sends_stdin()
    {
        await using var dotcat = DotcatRun.Start("--recv-only", "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();
        await dotcat.Stdin.WriteAsync("secret"u8.ToArray());
        dotcat.CloseStdin();

        await peer.SendAsync("hi"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        (await dotcat.StdoutTextAsync()).ShouldBe("hi");
        (await ReadToEndAsync(peer)).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Delay_spaces_the_lines_sent()
    {
        await using var dotcat = DotcatRun.Start("-d", "100ms", "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();
        // The clock starts before dotcat can read anything, so a late observer can only make the time longer.
        var clock = Stopwatch.StartNew();
        await dotcat.Stdin.WriteAsync("1\n2\n3\n"u8.ToArray());
        dotcat.CloseStdin();

        string all = await ReadToEndAsync(peer);
        clock.Stop();

        all.ShouldBe("1\n2\n3\n");
        // Lines 2 and 3 each waited 100 ms after the line before (less 5 ms each: a timer may fire a tick early).
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190));
        peer.Shutdown(SocketShutdown.Send);
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_streams_the_matching_files_in_order_instead_of_stdin_then_half_closes()
    {
        Write("b.txt", "bee\n");
        Write("a.txt", "ay\n");
        Write("skip/c.txt", "sea\n");
        Write("notes.md", "no\n");
        await using var dotcat = DotcatRun.Start(["-v", "--send", "**/*.txt", "--exclude", "skip/**", "127.0.0.1", Port], workingDirectory: _dir.FullName);
        using Socket peer = await _server.AcceptSocketAsync();
        await dotcat.Stdin.WriteAsync("STDIN"u8.ToArray());

        (await ReadToEndAsync(peer)).ShouldBe("ay\nbee\n");
        peer.Shutdown(SocketShutdown.Send);

        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        dotcat.Stderr.ShouldContain("dotcat: sending a.txt (3 bytes)\ndotcat: sending b.txt (4 bytes)\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Progress_with_v_shows_a_live_line_on_a_redirected_stderr()
    {
        await using var dotcat = DotcatRun.Start("--progress", "-v", "127.0.0.1", Port);
        using Socket peer = await _server.AcceptSocketAsync();
        await peer.SendAsync(new byte[2048]);

        // The line is rewritten after '\r', which the line reader treats as a line end.
        string line = await dotcat.WaitForStderrAsync(l => l.Contains("2.0 KiB received", StringComparison.Ordinal));
        line.ShouldMatch(@"^dotcat: 0 B sent, 2\.0 KiB received, [\d.]+ (B|KiB|MiB)/s, 0:\d\d *$");

        peer.Shutdown(SocketShutdown.Send);
        dotcat.CloseStdin();
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        dotcat.Stderr.ShouldNotContain("\e");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_keep_open_listener_prints_the_summary_for_every_session()
    {
        await using var dotcat = DotcatRun.Start("-l", "-k", "-v", "127.0.0.1", "0");
        int port = await dotcat.WaitForListeningPortAsync();

        foreach (string text in new[] { "one", "three" })
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, port);
            await client.SendAsync(Encoding.ASCII.GetBytes(text));
            client.Shutdown(SocketShutdown.Both);
            await dotcat.WaitForStderrAsync(l => l.StartsWith($"dotcat: 0 bytes sent, {text.Length} bytes received in ", StringComparison.Ordinal));
        }

        Regex.Count(dotcat.Stderr, "bytes received in").ShouldBe(2);
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _dir.Delete(recursive: true);
    }

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_dir.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static async Task<string> ReadToEndAsync(Socket peer)
    {
        using var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await peer.ReceiveAsync(buffer)) > 0)
            all.Write(buffer, 0, read);
        return Encoding.ASCII.GetString(all.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Delay_sends_every_line_though_the_peer_half_closed_at_once()
    {
        await using var listener = DotcatRun.Start("-l", "127.0.0.1", "0", "-v");
        listener.CloseStdin();                                            // it half-closes toward the client at once
        int port = await listener.WaitForListeningPortAsync();

        await using var client = DotcatRun.Start("-d", "0.7s", "127.0.0.1", port.ToString());
        await client.Stdin.WriteAsync("a\nb\nc\n"u8.ToArray());
        client.CloseStdin();

        (await client.WaitForExitAsync()).ShouldBe(0);
        (await listener.WaitForExitAsync()).ShouldBe(0);
        (await listener.StdoutTextAsync()).ShouldBe("a\nb\nc\n");
    }
}
