using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// Standard descriptors as odd parents hand them over (issue 9): closed at exec (<c>&lt;&amp;-</c>, <c>&gt;&amp;-</c>,
/// <c>2&gt;&amp;-</c>) they behave as /dev/null; left O_NONBLOCK they are waited on, never failed at EAGAIN. These need
/// a real process: the runtime opens descriptors of its own before Main.
/// </summary>
public class StdioFaultsProcessTests
{
    private static readonly byte[] FromClient = "from-client\n"u8.ToArray();
    private static readonly byte[] FromServer = "from-server\n"u8.ToArray();

    public static TheoryData<string> ClosedSets => ["0", "1", "2", "01", "02", "12", "012"];

    /// <summary>
    /// A client with some of fds 0-2 closed: a closed stdin is empty, so the peer sees EOF at once and nothing else
    /// (the socket must never be taken for stdin/stdout, which echoed the peer's bytes back); what the peer sends goes
    /// to stdout when it is open; no diagnostic, exit 0.
    /// </summary>
    [UnixTheory(Timeout = 60_000)]
    [MemberData(nameof(ClosedSets))]
    public async Task A_client_with_closed_standard_descriptors_treats_them_as_dev_null(string closed)
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        int port = ((IPEndPoint)server.LocalEndpoint).Port;

        await using var client = StartWithClosed(closed, "127.0.0.1", port.ToString());
        if (!closed.Contains('0'))
        {
            await client.Stdin.WriteAsync(FromClient);
            client.CloseStdin();
        }
        using TcpClient peer = await server.AcceptTcpClientAsync();
        NetworkStream stream = peer.GetStream();
        byte[] received = await ReadToEndAsync(stream);
        await stream.WriteAsync(FromServer);
        peer.Client.Shutdown(SocketShutdown.Send);

        (await client.WaitForExitAsync()).ShouldBe(0);
        received.ShouldBe(closed.Contains('0') ? [] : FromClient);
        (await client.StdoutAsync()).ShouldBe(closed.Contains('1') ? [] : FromServer);
        client.Stderr.ShouldBeEmpty();
    }

    /// <summary>A listener with stdin and stdout closed serves its client: half-closes toward it at once, prints nothing.</summary>
    [UnixFact(Timeout = 60_000)]
    public async Task A_listener_with_stdin_and_stdout_closed_half_closes_and_ends_with_its_client()
    {
        await using var listener = StartWithClosed("01", "-l", "-v", "127.0.0.1", "0");
        int port = await listener.WaitForListeningPortAsync();

        using var peer = new TcpClient();
        await peer.ConnectAsync(IPAddress.Loopback, port);
        NetworkStream stream = peer.GetStream();
        await stream.WriteAsync(FromClient);
        (await ReadToEndAsync(stream)).ShouldBeEmpty();   // EOF, not an echo of the bytes just sent
        peer.Client.Shutdown(SocketShutdown.Send);

        (await listener.WaitForExitAsync()).ShouldBe(0);
        listener.Stderr.ShouldNotContain("Exception");
        listener.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(line => line.StartsWith("dotcat: "));
    }

    /// <summary>stdout inherited non-blocking, read slowly: dotcat waits for room instead of failing at EAGAIN.</summary>
    [PeerFact("perl", Timeout = 60_000)]
    public async Task A_non_blocking_stdout_read_slowly_gets_all_eight_MiB()
    {
        byte[] data = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        int port = ((IPEndPoint)server.LocalEndpoint).Port;

        var received = new HashingStream();
        await using var client = StartNonBlocking(new SlowStream(received), "127.0.0.1", port.ToString());
        client.CloseStdin();
        using (TcpClient peer = await server.AcceptTcpClientAsync())
            await peer.GetStream().WriteAsync(data);

        (await client.WaitForExitAsync(TimeSpan.FromSeconds(50))).ShouldBe(0, client.Stderr);
        await client.StdoutAsync();
        received.Written.ShouldBe(data.Length);
        received.Hash().ShouldBe(SHA256.HashData(data));
        client.Stderr.ShouldBeEmpty();
    }

    /// <summary>stdin inherited non-blocking and often empty: dotcat waits for data instead of failing at EAGAIN.</summary>
    [PeerFact("perl", Timeout = 60_000)]
    public async Task A_non_blocking_stdin_written_in_pieces_sends_all_eight_MiB()
    {
        byte[] data = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        int port = ((IPEndPoint)server.LocalEndpoint).Port;

        await using var client = StartNonBlocking(null, "127.0.0.1", port.ToString());
        using TcpClient peer = await server.AcceptTcpClientAsync();
        Task<byte[]> upload = ReadToEndAsync(peer.GetStream());
        for (int offset = 0; offset < data.Length; offset += 16 * 1024)
        {
            await client.Stdin.WriteAsync(data.AsMemory(offset, 16 * 1024));
            await client.Stdin.FlushAsync();
            await Task.Yield();
        }
        client.CloseStdin();
        byte[] received = await upload;
        peer.Client.Shutdown(SocketShutdown.Send);

        (await client.WaitForExitAsync(TimeSpan.FromSeconds(50))).ShouldBe(0, client.Stderr);
        received.Length.ShouldBe(data.Length);
        SHA256.HashData(received).ShouldBe(SHA256.HashData(data));
        client.Stderr.ShouldBeEmpty();
    }

    /// <summary>dotcat run by a shell that closes the named descriptors first, as <c>dotcat ... &lt;&amp;- &gt;&amp;-</c> does.</summary>
    private static DotcatProcess StartWithClosed(string closed, params string[] args)
    {
        string redirects = string.Concat(closed.Select(fd => $" {fd}>&-"));
        return StartUnder("/bin/sh", ["-c", "exec \"$0\" \"$@\"" + redirects], null, args);
    }

    /// <summary>dotcat whose stdin and stdout pipes a parent (perl here) made O_NONBLOCK before exec.</summary>
    private static DotcatProcess StartNonBlocking(Stream? stdoutTarget, params string[] args) =>
        StartUnder("perl", [
            "-MFcntl", "-e",
            "for my $fh (\\*STDIN, \\*STDOUT) { fcntl($fh, F_SETFL, fcntl($fh, F_GETFL, 0) | O_NONBLOCK) or die } exec @ARGV or die",
        ], stdoutTarget, args);

    private static DotcatProcess StartUnder(string program, string[] programArgs, Stream? stdoutTarget, string[] args) =>
        DotcatProcess.StartProgram(
            program,
            [.. programArgs, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "dotcat.dll"), .. args],
            stdoutTarget);

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    /// <summary>A reader that takes its time (a pause per chunk), so the pipe fills and a non-blocking write gets EAGAIN.</summary>
    private sealed class SlowStream(Stream inner) : WriteOnlyStream
    {
        public override long Length => inner.Length;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Thread.Sleep(2);
            inner.Write(buffer);
        }
    }
}
