using System.Net.Sockets;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Transports;

/// <summary><c>-U -u -s PATH</c>: a Unix datagram client sends from the socket it was told to bind, as in ncat.</summary>
public sealed class UnixDatagramSourceTests
{
    [UnixFact(Timeout = 60_000)]
    public async Task A_unix_datagram_client_sends_from_the_path_s_names()
    {
        using var folder = new TempDir();
        string serverPath = folder.Path("server"), clientPath = folder.Path("client");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(serverPath));

        await using var dotcat = DotcatRun.Start("-U", "-u", "-s", clientPath, serverPath);
        await dotcat.Stdin.WriteAsync("abc\n"u8.ToArray());
        await dotcat.Stdin.FlushAsync();
        dotcat.CloseStdin();

        var buffer = new byte[16];
        SocketReceiveFromResult received = await server.ReceiveFromAsync(buffer, SocketFlags.None, new UnixDomainSocketEndPoint(folder.Path("any")));

        received.RemoteEndPoint.ToString().ShouldBe(clientPath);
        (await dotcat.WaitForExitAsync()).ShouldBe(0);
    }
}
