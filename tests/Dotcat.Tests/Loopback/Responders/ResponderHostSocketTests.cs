using System.Net.Sockets;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Responders;
using Dotcat.Tests.Support;
using Dotcat.Transports;

namespace Dotcat.Tests.Loopback.Responders;

/// <summary>The responder host over real sockets: what the other socket tests leave out, and the diagnostics it writes.</summary>
public sealed class ResponderHostSocketTests : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    [Theory(Timeout = 60_000)]
    [InlineData("discard", "dropped\n", "")]
    [InlineData("daytime", "", @"^[A-Z][a-z]+day, [A-Z][a-z]+ \d\d, \d{4} \d\d:\d\d:\d\d-\S+\r\n$")]
    [InlineData("time", "%Y\n%%\n", @"^\d{4}\n%\n$")]
    public async Task Stream_clients_over_tcp_get_the_whole_answer_then_eof(string name, string request, string pattern)
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", name);
        int port = await dotcat.WaitForListeningPortAsync();

        using Socket client = await Sockets.ConnectAsync(port);
        await client.SendAsync(request);
        client.Shutdown(SocketShutdown.Send);

        Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldMatch(pattern);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("echo", "hello", "hello", 5)]
    [InlineData("upper", "héllo", "HÉLLO", 6)]
    [InlineData("time", "%%\n", "%\n", 2)]
    public async Task Each_client_ends_with_its_summary_line_at_v(string name, string request, string answer, int sent)
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", name);
        int port = await dotcat.WaitForListeningPortAsync();

        foreach (int _ in new[] { 1, 2 })
        {
            using Socket client = await Sockets.ConnectAsync(port);
            await client.SendAsync(request);
            client.Shutdown(SocketShutdown.Send);
            Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldBe(answer);
        }

        string summary = $"dotcat: {sent} bytes sent, {Encoding.UTF8.GetByteCount(request)} bytes received in ";
        // One per client (the channel hands each line out once).
        foreach (int _ in new[] { 1, 2 })
            await dotcat.WaitForStderrAsync(l => l.StartsWith(summary, StringComparison.Ordinal) && l.EndsWith(" seconds", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_chargen_client_that_leaves_gets_its_summary_line_too()
    {
        await using var dotcat = DotcatRun.Start("-l", "127.0.0.1", "0", "-v", "--respond", "chargen");
        int port = await dotcat.WaitForListeningPortAsync();

        using (Socket client = await Sockets.ConnectAsync(port))
            (await client.ReadUntilAsync("\r\n")).ShouldNotBeEmpty();

        await dotcat.WaitForStderrAsync(l => l.StartsWith("dotcat: ", StringComparison.Ordinal) && l.Contains(" bytes sent, 0 bytes received in ", StringComparison.Ordinal));
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Datagrams_that_cannot_be_answered_are_one_line_then_a_count_per_hundred_and_the_rest_at_the_end()
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        var options = new DotcatOptions { Mode = Mode.Listen, Endpoint = new Endpoint.UnixDatagram(path) };
        var stderr = new StringWriter();
        var log = new Log(stderr, verbosity: 1);
        using DatagramPort server = await Listening.BindDatagramAsync(options, log, _stop.Token);
        using var answering = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        Task host = new ResponderHost(ResponderCatalog.Find("echo", new ResponderSettings())!, log).AnswerDatagramsAsync(server, answering.Token);

        // A client without an address of its own can never be answered.
        using (var unnamed = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            for (int i = 0; i < 250; i++)
                await unnamed.SendToAsync("x"u8.ToArray(), SocketFlags.None, new UnixDomainSocketEndPoint(path));
        }
        // One that has an address is answered after all of those were handled.
        using (var named = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            named.Bind(new UnixDomainSocketEndPoint(dir.Path("c")));
            await named.ConnectAsync(new UnixDomainSocketEndPoint(path));
            await named.SendAsync("ping"u8.ToArray(), SocketFlags.None);
            var reply = new byte[16];
            (await named.ReceiveAsync(reply, SocketFlags.None)).ShouldBe(4);
        }
        await answering.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(host);

        string[] lines = [.. stderr.ToString().Split('\n').Where(l => l.StartsWith("dotcat: cannot answer", StringComparison.Ordinal))];
        lines.Length.ShouldBe(4, stderr.ToString());
        lines[0].ShouldStartWith("dotcat: cannot answer ");
        lines[1].ShouldStartWith("dotcat: cannot answer 100 more datagrams (the last: ");
        lines[2].ShouldStartWith("dotcat: cannot answer 100 more datagrams (the last: ");
        lines[3].ShouldStartWith("dotcat: cannot answer 49 more datagrams (the last: ");
    }
}
