using System.Net.Sockets;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Broker;

/// <summary><c>--broker</c> and <c>--chat</c> through the built dotcat, with three clients.</summary>
public class BrokerCommandTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_send_only_broker_passes_stdin_to_every_client_and_nothing_a_client_sends()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--broker", "--send-only");
        int port = await dotcat.WaitForListeningPortAsync();
        using Socket a = await Sockets.ConnectAsync(port), b = await Sockets.ConnectAsync(port);
        for (int i = 0; i < 2; i++)
            await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: connection from", StringComparison.Ordinal));

        await a.SendAsync("from a\n");
        await dotcat.Stdin.WriteAsync("from stdin\n"u8.ToArray());
        await dotcat.Stdin.FlushAsync();

        // b's first bytes are stdin's: a's line, sent before, was not passed on.
        (await b.ReadUntilAsync("from stdin\n")).ShouldBe("from stdin\n");
        (await a.ReadUntilAsync("from stdin\n")).ShouldBe("from stdin\n");
        dotcat.Interrupt();
        await dotcat.WaitForExitAsync();
        (await dotcat.StdoutTextAsync()).ShouldBe("");
    }

    [Fact(Timeout = 60_000)]
    public async Task Broker_relays_each_clients_data_to_the_others_and_stdout_and_stdin_to_all()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--broker");
        int port = await dotcat.WaitForListeningPortAsync();
        using Socket a = await Sockets.ConnectAsync(port), b = await Sockets.ConnectAsync(port), c = await Sockets.ConnectAsync(port);
        for (int i = 0; i < 3; i++)
            await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: connection from", StringComparison.Ordinal));

        await a.SendAsync("from a\n");
        (await b.ReadUntilAsync("from a\n")).ShouldBe("from a\n");
        (await c.ReadUntilAsync("from a\n")).ShouldBe("from a\n");

        await dotcat.Stdin.WriteAsync("from stdin\n"u8.ToArray());
        await dotcat.Stdin.FlushAsync();
        (await a.ReadUntilAsync("from stdin\n")).ShouldBe("from stdin\n"); // a never gets its own data back
        (await b.ReadUntilAsync("from stdin\n")).ShouldBe("from stdin\n");
        (await c.ReadUntilAsync("from stdin\n")).ShouldBe("from stdin\n");

        // b leaves; a and c go on undisturbed.
        b.Dispose();
        await c.SendAsync("from c\n");
        (await a.ReadUntilAsync("from c\n")).ShouldBe("from c\n");

        dotcat.Interrupt();
        await dotcat.WaitForExitAsync();
        (await dotcat.StdoutTextAsync()).ShouldBe("from a\nfrom c\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Chat_names_users_announces_joins_and_leaves_and_escapes_control_characters()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--chat");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket a = await Sockets.ConnectAsync(port);
        (await a.ReadUntilAsync("already connected: nobody.\n")).ShouldBe(
            "<announce> 127.0.0.1 is connected as <user1>.\n<announce> already connected: nobody.\n");
        using Socket b = await Sockets.ConnectAsync(port);
        await a.ReadUntilAsync("as <user2>.\n");
        (await b.ReadUntilAsync("already connected: 127.0.0.1 as <user1>.\n")).ShouldBe(
            "<announce> 127.0.0.1 is connected as <user2>.\n<announce> already connected: 127.0.0.1 as <user1>.\n");
        Socket c = await Sockets.ConnectAsync(port);
        await a.ReadUntilAsync("as <user3>.\n");
        await b.ReadUntilAsync("as <user3>.\n");
        await c.ReadUntilAsync("127.0.0.1 as <user1>, 127.0.0.1 as <user2>.\n");

        await a.SendAsync("hi\u0001there \u001b[2J wörld\n");
        (await b.ReadUntilAsync("wörld\n")).ShouldBe("<user1> hi\\001there \\033[2J wörld\n");
        (await c.ReadUntilAsync("wörld\n")).ShouldBe("<user1> hi\\001there \\033[2J wörld\n");

        c.Dispose();
        (await a.ReadUntilAsync("\n")).ShouldBe("<announce> <user3> is disconnected.\n");
        (await b.ReadUntilAsync("\n")).ShouldBe("<announce> <user3> is disconnected.\n");

        await b.SendAsync("still here\n");
        (await a.ReadUntilAsync("\n")).ShouldBe("<user2> still here\n");

        // stdout has its own pump: a client may hear a line before it is written there.
        await dotcat.WaitForStdoutTextAsync("<user2> still here\n");
        dotcat.Interrupt();
        await dotcat.WaitForExitAsync();
        string stdout = await dotcat.StdoutTextAsync();
        stdout.ShouldContain("<user1> hi\\001there \\033[2J wörld\n<announce> <user3> is disconnected.\n<user2> still here\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_that_never_reads_is_disconnected_without_holding_up_the_others()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--broker");
        int port = await dotcat.WaitForListeningPortAsync();
        using Socket sender = await Sockets.ConnectAsync(port), reader = await Sockets.ConnectAsync(port);
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await idle.ConnectAsync(System.Net.IPAddress.Loopback, port);
        for (int i = 0; i < 3; i++)
            await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: connection from", StringComparison.Ordinal));

        // Far more than the idle client's socket buffers and its queue take before senders wait for it.
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        long total = 0;
        Task<string> dropped = dotcat.WaitForStderrAsync(l => l.Contains("disconnecting", StringComparison.Ordinal));
        Task<long> draining = DrainAsync(reader, 64L * chunk.Length);
        for (int i = 0; i < 64; i++)
        {
            await sender.SendAsync(chunk, SocketFlags.None);
            total += chunk.Length;
        }

        (await draining).ShouldBe(total);
        string line = await dropped;
        line.ShouldContain("disconnecting 127.0.0.1 as <user3>");
    }

    private static async Task<long> DrainAsync(Socket socket, long expected)
    {
        var buffer = new byte[64 * 1024];
        long received = 0;
        while (received < expected)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
                break;
            received += read;
        }
        return received;
    }
}
