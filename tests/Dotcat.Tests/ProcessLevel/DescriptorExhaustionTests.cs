using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// A long-running listener out of descriptors (issue 9 item 5): under <c>ulimit -n 128</c>, 200 clients at once used to
/// kill it with an internal error. It must say so once, keep the rest waiting in the backlog, and serve again when
/// clients leave. A real process: the limit is the process's own.
/// </summary>
public class DescriptorExhaustionTests
{
    private const int Clients = 200;
    private const string Shortage = "dotcat: cannot accept more clients for now: too many open files; trying again as clients leave";

    [UnixFact(Timeout = 90_000)]
    public async Task A_listener_out_of_descriptors_says_so_once_and_serves_again_when_clients_leave()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        (string program, IEnumerable<string> args) = DotcatProcess.DotcatCommand(["-l", "-k", "-v", "--respond", "echo", "-m", "1000", "127.0.0.1", "0"]);
        await using var listener = DotcatProcess.StartProgram("sh", ["-c", "ulimit -n 128 && exec \"$0\" \"$@\"", program, .. args]);
        int port = await listener.WaitForListeningPortAsync(TimeSpan.FromSeconds(30));

        // Every client connects (accepted, or queued in the backlog) and stays until all of them have.
        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ConnectAsync(port, timeout.Token)));
        try
        {
            await listener.WaitForStderrAsync(l => l.Equals(Shortage, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            int accepted = Regex.Count(listener.Stderr, "dotcat: connection from ");
            accepted.ShouldBeInRange(1, Clients - 1, "some clients were served and the rest waited");
        }
        finally
        {
            foreach (Socket client in clients)
                client.Dispose();
        }

        // Once they left, a new client gets its echo: the listener is alive and accepting again.
        using Socket late = await ConnectAsync(port, timeout.Token);
        await late.SendAsync("still here\n"u8.ToArray(), timeout.Token);
        late.Shutdown(SocketShutdown.Send);
        (await ReadToEndAsync(late, timeout.Token)).ShouldBe("still here\n");

        Regex.Count(listener.Stderr, Regex.Escape(Shortage)).ShouldBe(1, listener.Stderr);
        listener.Stderr.ShouldNotContain("internal error");
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        return socket;
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        return text.ToString();
    }
}
