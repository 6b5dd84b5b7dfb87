using System.Net.Sockets;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>Unix domain sockets through the dotcat process: socket files cleaned up, stale files, abstract names.</summary>
public sealed class UnixSocketTests
{
    [SignalTheory(15, Timeout = 60_000)]
    [InlineData(15, "-l", "-U")]
    [InlineData(15, "-l", "-k", "-U")]
    [InlineData(15, "-l", "-U", "-u")]
    public Task A_listener_removes_its_socket_file_on_SIGTERM(int signal, params string[] mode) => SignalRemovesSocketFileAsync(signal, mode);

    [SignalTheory(1, Timeout = 60_000)]
    [InlineData(1, "-l", "-U")]
    [InlineData(1, "-l", "-U", "-u")]
    public Task A_listener_removes_its_socket_file_on_SIGHUP(int signal, params string[] mode) => SignalRemovesSocketFileAsync(signal, mode);

    [SignalTheory(2, Timeout = 60_000)]
    [InlineData(2, "-l", "-U")]
    [InlineData(2, "-l", "-k", "-U", "-u")]
    public Task A_listener_removes_its_socket_file_on_SIGINT(int signal, params string[] mode) => SignalRemovesSocketFileAsync(signal, mode);

    private static async Task SignalRemovesSocketFileAsync(int signal, string[] mode)
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        await using var listener = DotcatProcess.Start([.. mode, "-v", path]);
        await ListeningAsync(listener, path);
        File.Exists(path).ShouldBeTrue();

        listener.Signal(signal);
        (await listener.WaitForExitAsync()).ShouldBe(128 + signal);
        File.Exists(path).ShouldBeFalse();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_listener_removes_its_socket_file_when_its_session_ends()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        await using var listener = DotcatProcess.Start("-l", "-U", "-v", path);
        await ListeningAsync(listener, path);
        await using var client = DotcatProcess.Start("-U", path);
        await client.Stdin.WriteAsync("bye\n"u8.ToArray());
        client.CloseStdin();
        listener.CloseStdin();

        (await listener.WaitForExitAsync()).ShouldBe(0);
        (await client.WaitForExitAsync()).ShouldBe(0);
        (await listener.StdoutTextAsync()).ShouldBe("bye\n");
        File.Exists(path).ShouldBeFalse();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task An_existing_socket_file_without_reuseaddr_is_refused_naming_reuseaddr()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        await using var first = DotcatProcess.Start("-l", "-U", "-v", path);
        await ListeningAsync(first, path);

        await using var second = DotcatProcess.Start("-l", "-U", path);
        (await second.WaitForExitAsync()).ShouldBe(1);
        second.Stderr.ShouldBe($"dotcat: cannot listen on {path}: the socket file exists (--reuseaddr replaces it if no one listens on it)\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_stale_socket_file_is_replaced_with_reuseaddr_and_serves()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        await using (var crashed = DotcatProcess.Start("-l", "-U", "-v", path))
        {
            await ListeningAsync(crashed, path);
            crashed.Signal(9);   // SIGKILL: no cleanup, the file stays behind
            await crashed.WaitForExitAsync();
        }
        File.Exists(path).ShouldBeTrue();

        await using var listener = DotcatProcess.Start(["-l", "-U", "--reuseaddr", "-v", path], stdinFile: "/dev/null");
        await ListeningAsync(listener, path);
        await using var client = DotcatProcess.Start("-U", path);
        await client.Stdin.WriteAsync("works\n"u8.ToArray());
        client.CloseStdin();
        (await listener.WaitForExitAsync()).ShouldBe(0);
        (await listener.StdoutTextAsync()).ShouldBe("works\n");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_regular_file_in_the_way_is_left_alone()
    {
        using var dir = new TempDir();
        string path = dir.Path("f");
        await File.WriteAllTextAsync(path, "keep me");
        await using var listener = DotcatProcess.Start("-l", "-U", "--reuseaddr", path);
        (await listener.WaitForExitAsync()).ShouldBe(1);
        listener.Stderr.ShouldBe($"dotcat: cannot listen on {path}: the file exists and is not a socket\n");
        (await File.ReadAllTextAsync(path)).ShouldBe("keep me");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Missing_socket_files_and_directories_are_one_line_errors()
    {
        using var dir = new TempDir();
        await using var client = DotcatProcess.Start("-U", dir.Path("none"));
        (await client.WaitForExitAsync()).ShouldBe(1);
        client.Stderr.ShouldBe($"dotcat: cannot connect to {dir.Path("none")}: no such socket file\n");

        await using var listener = DotcatProcess.Start("-l", "-U", dir.Path("no/s"));
        (await listener.WaitForExitAsync()).ShouldBe(1);
        listener.Stderr.ShouldBe($"dotcat: cannot listen on {dir.Path("no/s")}: the directory does not exist\n");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("-U", "/tmp/s", "80")]
    [InlineData("-l", "-U", "-p", "80", "/tmp/s")]
    [InlineData("-U")]
    [InlineData("-U", "-4", "/tmp/s")]
    public async Task Ports_and_addresses_with_U_are_usage_errors(params string[] args)
    {
        await using var dotcat = DotcatProcess.Start(args);
        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.ShouldContain("-U/--unixsock");
    }

    [LinuxFact(Timeout = 60_000)]
    public async Task Abstract_names_work_for_stream_and_datagram_sockets()
    {
        foreach (string[] udp in new[] { Array.Empty<string>(), ["-u"] })
        {
            string name = "@dotcat-" + Guid.NewGuid().ToString("N")[..12];
            using var stdout = new ProgressStream();
            await using var listener = DotcatProcess.Start([.. udp, "-l", "-U", "-v", name], stdout);
            await ListeningAsync(listener, name);
            using var clientOut = new ProgressStream();
            await using var client = DotcatProcess.Start([.. udp, "-U", name], clientOut);
            await client.Stdin.WriteAsync("up\n"u8.ToArray());
            await client.Stdin.FlushAsync();
            await stdout.WaitForAsync(3);
            await listener.Stdin.WriteAsync("down\n"u8.ToArray());
            await listener.Stdin.FlushAsync();
            await clientOut.WaitForAsync(5);
            clientOut.ToArray().ShouldBe("down\n"u8.ToArray());
        }
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_datagram_client_gets_replies_through_its_own_temporary_address()
    {
        using var dir = new TempDir();
        string path = dir.Path("d");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(path));
        using var clientOut = new ProgressStream();
        await using var client = DotcatProcess.Start(["-U", "-u", path], clientOut);
        await client.Stdin.WriteAsync("ping"u8.ToArray());
        await client.Stdin.FlushAsync();

        var from = new UnixDomainSocketEndPoint(dir.Path("x"));
        var buffer = new byte[100];
        SocketReceiveFromResult got = await server.ReceiveFromAsync(buffer, SocketFlags.None, from).WaitAsync(DotcatProcess.DefaultTimeout);
        got.ReceivedBytes.ShouldBe(4);
        got.RemoteEndPoint.ToString().ShouldNotBeNullOrEmpty();
        await server.SendToAsync("pong"u8.ToArray(), SocketFlags.None, got.RemoteEndPoint);
        await clientOut.WaitForAsync(4);

        client.CloseStdin();
        (await client.WaitForExitAsync()).ShouldBe(0);
        clientOut.ToArray().ShouldBe("pong"u8.ToArray());
        Directory.GetFileSystemEntries(dir.Info.FullName).ShouldBe([path]);
    }

    private static Task<string> ListeningAsync(DotcatProcess listener, string path) =>
        listener.WaitForStderrAsync(l => string.Equals(l, $"dotcat: listening on {path}", StringComparison.Ordinal));
}
