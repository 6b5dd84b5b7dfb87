using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Tests.Support;
using Dotcat.Transports;

namespace Dotcat.Tests.Loopback.Transports;

/// <summary>In-process Unix sockets: which files a listener may replace, and the errors for paths it cannot use.</summary>
public sealed class UnixSocketsTests
{
    [UnixFact(Timeout = 60_000)]
    public async Task A_stale_socket_file_is_replaced_with_reuseaddr()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        LeaveStaleSocket(path);

        using Socket listener = await UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: true);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using Socket accepted = await listener.AcceptAsync();
        accepted.ShouldNotBeNull();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_stale_socket_file_without_reuseaddr_is_an_error_naming_reuseaddr()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        LeaveStaleSocket(path);

        var e = await Should.ThrowAsync<DotcatException>(() => UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: false));
        e.Message.ShouldBe($"cannot listen on {path}: the socket file exists (--reuseaddr replaces it if no one listens on it)");
        e.ExitCode.ShouldBe(1);
        UnixSockets.IsSocketFile(path).ShouldBeTrue();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_live_listener_is_never_replaced()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        using Socket live = await UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: false);

        var e = await Should.ThrowAsync<DotcatException>(() => UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: true));
        e.Message.ShouldBe($"cannot listen on {path}: another program is listening on it");
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_live_datagram_socket_is_never_replaced()
    {
        using var dir = new TempDir();
        string path = dir.Path("d");
        using Socket live = await UnixSockets.ListenAsync(path, SocketType.Dgram, replaceStale: false);

        await Should.ThrowAsync<DotcatException>(() => UnixSockets.ListenAsync(path, SocketType.Dgram, replaceStale: true));
        UnixSockets.IsSocketFile(path).ShouldBeTrue();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_regular_file_is_never_deleted()
    {
        using var dir = new TempDir();
        string path = dir.Path("f");
        await File.WriteAllTextAsync(path, "precious");

        var e = await Should.ThrowAsync<DotcatException>(() => UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: true));
        e.Message.ShouldBe($"cannot listen on {path}: the file exists and is not a socket");
        (await File.ReadAllTextAsync(path)).ShouldBe("precious");
        UnixSockets.IsSocketFile(path).ShouldBeFalse();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_missing_directory_is_a_clear_error()
    {
        using var dir = new TempDir();
        string path = dir.Path("no/s");
        var e = await Should.ThrowAsync<DotcatException>(() => UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: false));
        e.Message.ShouldBe($"cannot listen on {path}: the directory does not exist");
    }

    [Fact]
    public void A_path_too_long_for_sun_path_is_a_clear_error()
    {
        string path = "/tmp/" + new string('a', 200);
        var e = Should.Throw<DotcatException>(() => UnixSockets.EndPoint(path));
        e.Message.ShouldBe($"cannot use {path}: too long for a Unix socket path (at most {UnixSockets.MaxPathBytes} bytes)");
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Disposing_a_listener_removes_its_socket_file()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        using (await UnixSockets.ListenAsync(path, SocketType.Stream, replaceStale: false))
            File.Exists(path).ShouldBeTrue();
        File.Exists(path).ShouldBeFalse();
    }

    [LinuxFact(Timeout = 60_000)]
    public async Task Abstract_names_need_no_file()
    {
        string name = "@dotcat-test-" + Guid.NewGuid().ToString("N");
        using Socket listener = await UnixSockets.ListenAsync(name, SocketType.Stream, replaceStale: false);
        (Socket client, IDisposable? owned) = await UnixSockets.ConnectAsync(name, SocketType.Stream, null, CancellationToken.None);
        using (client)
        {
            owned.ShouldBeNull();
            using Socket accepted = await listener.AcceptAsync();
            UnixPaths.Display(listener.LocalEndPoint!).ShouldBe(name);
        }
    }

    private static void LeaveStaleSocket(string path)
    {
        // A socket disposed by .NET unlinks its file, so the stale file is made the way a crash leaves one: bound, then
        // the file renamed away and back after the socket is gone.
        string aside = path + ".live";
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen();
            File.Move(path, aside);
        }
        File.Move(aside, path);
        UnixSockets.IsSocketFile(path).ShouldBeTrue();
    }
}
