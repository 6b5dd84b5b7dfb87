using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Responders;

/// <summary>dotcat with <c>--respond</c>, the whole command run in this process against loopback clients.</summary>
public class RespondCommandTests
{
    [Fact(Timeout = 60_000)]
    public async Task Upper_listener_answers_hello_with_HELLO()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", "upper");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        await client.SendAsync("hello\n");
        (await client.ReadUntilAsync("\n")).ShouldBe("HELLO\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Responder_serves_clients_concurrently_and_keeps_listening()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", "echo");
        int port = await dotcat.WaitForListeningPortAsync();

        // All connected at once; each answered while the others stay open; then a late one after they left.
        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Sockets.ConnectAsync(port)));
        for (int i = clients.Length - 1; i >= 0; i--)
        {
            await clients[i].SendAsync($"client {i}\n");
            (await clients[i].ReadUntilAsync("\n")).ShouldBe($"client {i}\n");
        }
        foreach (Socket client in clients)
            client.Dispose();

        using Socket late = await Sockets.ConnectAsync(port);
        await late.SendAsync("late");
        late.Shutdown(SocketShutdown.Send);
        Encoding.UTF8.GetString(await late.ReadToEndAsync()).ShouldBe("late");
    }

    [Fact(Timeout = 60_000)]
    public async Task Max_conns_caps_how_many_clients_a_responder_serves_at_once()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", "echo", "-m", "1");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket first = await Sockets.ConnectAsync(port);
        await first.SendAsync("1\n");
        (await first.ReadUntilAsync("\n")).ShouldBe("1\n");
        using Socket second = await Sockets.ConnectAsync(port);

        (await second.ReadToEndAsync()).ShouldBeEmpty();
        await dotcat.WaitForStderrAsync(l => l.Contains("1 clients already connected (-m)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_time_listener_answers_a_datagram_format()
    {
        await using var dotcat = DotcatRun.Start("-lu", "127.0.0.1", "0", "-v", "--respond", "time");
        int port = await dotcat.WaitForListeningPortAsync();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await client.SendAsync("%H:%M"u8.ToArray(), SocketFlags.None);
        var reply = new byte[100];
        int length = await client.ReceiveAsync(reply, SocketFlags.None);

        Encoding.UTF8.GetString(reply, 0, length).ShouldMatch(@"^\d\d:\d\d$");
    }

    [Fact(Timeout = 60_000)]
    public async Task Time_format_option_sets_the_answer_to_an_empty_request()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", "time", "--time-format", "[%Y]");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        await client.SendAsync("\r\n");
        (await client.ReadUntilAsync("\n")).ShouldMatch(@"^\[\d{4}\]\n$");
    }

    [Fact(Timeout = 60_000)]
    public async Task Daytime_sends_one_line_and_closes()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", "daytime");
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldMatch(@"^[A-Z][a-z]+day, [A-Z][a-z]+ \d\d, \d{4} \d\d:\d\d:\d\d-\S+\r\n$");
    }

    [Fact(Timeout = 60_000)]
    public async Task Chargen_client_leaving_is_no_error_and_the_listener_goes_on()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "--respond", "chargen", "-v");
        int port = await dotcat.WaitForListeningPortAsync();

        using (Socket client = await Sockets.ConnectAsync(port))
            await client.ReadUntilAsync("\r\n");
        using (Socket again = await Sockets.ConnectAsync(port))
            (await again.ReadUntilAsync("\r\n")).ShouldStartWith(" !\"#$%&'()*+,-./0123456789");

        dotcat.Stderr.ShouldNotContain("error", Case.Insensitive);
        dotcat.Interrupt();
        (await dotcat.WaitForExitAsync()).ShouldBe(130);   // in-process: Ctrl+C; SIGTERM's 143 is a process test
    }

    [Theory(Timeout = 60_000)]
    [InlineData("dotcat: --respond needs -l/--listen", "--respond", "echo", "127.0.0.1", "7")]
    [InlineData("dotcat: cannot use --respond with -e/--exec", "-l", "7", "--respond", "echo", "-e", "cat")]
    [InlineData("dotcat: cannot use --respond with -c/--sh-exec", "-l", "7", "--respond", "echo", "-c", "cat")]
    [InlineData("dotcat: cannot use --respond with --broker", "-l", "7", "--respond", "echo", "--broker")]
    [InlineData("dotcat: cannot use --respond with --chat", "-l", "7", "--respond", "echo", "--chat")]
    [InlineData("dotcat: cannot use -e/--exec with -c/--sh-exec", "-l", "7", "-e", "cat", "-c", "cat")]
    [InlineData("dotcat: cannot use -e/--exec with --broker", "-l", "7", "-e", "cat", "--broker")]
    [InlineData("dotcat: --chat needs -l/--listen", "--chat", "127.0.0.1", "7")]
    [InlineData("dotcat: --time-format needs --respond time", "-l", "7", "--respond", "echo", "--time-format", "%H")]
    [InlineData("dotcat: cannot parse -e/--exec command: unfinished ' quote", "-l", "7", "-e", "echo 'x")]
    public async Task Conflicting_server_options_are_usage_errors_naming_both(string message, params string[] args)
    {
        await using var dotcat = DotcatRun.Start(args);

        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.TrimEnd().ShouldBe(message);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_responder_is_a_usage_error()
    {
        await using var dotcat = DotcatRun.Start("-l", "7", "--respond", "nosuch");

        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.ShouldContain("nosuch");
    }

    [Fact(Timeout = 60_000)]
    public async Task Help_lists_every_responder_with_its_summary()
    {
        await using var dotcat = DotcatRun.Start("--help");

        (await dotcat.WaitForExitAsync()).ShouldBe(0);
        string help = await dotcat.StdoutTextAsync();
        help.ShouldContain("upper|uppercase: sends back what it receives, upper-cased");
        help.ShouldContain("daytime: sends the date and time as one line, then closes (RFC 867)");
        help.ShouldContain("--respond <NAME>");
    }
}
