using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Responders;
using Dotcat.Tests.Support;
using Dotcat.Text;
using Dotcat.Transports;

namespace Dotcat.Tests.Loopback.Responders;

/// <summary>Responders over real loopback sockets: TCP and Unix stream through the stream form, UDP through the datagram loop.</summary>
public sealed class ResponderSocketTests : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    private static Responder Get(string name) => ResponderCatalog.Find(name, new ResponderSettings())!;

    /// <summary>Accepts one client on <paramref name="listener"/> and lets <paramref name="responder"/> serve it.</summary>
    private static async Task ServeOneAsync(Socket listener, Responder responder)
    {
        using Socket client = await listener.AcceptAsync();
        await using var peer = new SocketDuplex(client);
        await new ResponderHost(responder, Log.Null).ConverseAsync(peer, CancellationToken.None);
    }

    private static Socket TcpListener()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return listener;
    }

    [Fact(Timeout = 60_000)]
    public async Task Echo_over_tcp_returns_everything_a_half_closing_client_sent_then_eof()
    {
        using Socket listener = TcpListener();
        Task server = ServeOneAsync(listener, Get("echo"));
        byte[] payload = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];

        using Socket client = await Sockets.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);
        Task<byte[]> reply = client.ReadToEndAsync();
        await client.SendAsync(payload, SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);

        (await reply).ShouldBe(payload);
        await server;
    }

    [Fact(Timeout = 60_000)]
    public async Task Upper_over_tcp_answers_each_message_while_the_client_waits()
    {
        using Socket listener = TcpListener();
        Task server = ServeOneAsync(listener, Get("upper"));
        using Socket client = await Sockets.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port);

        await client.SendAsync("héllo wörld\n");
        (await client.ReadUntilAsync("\n")).ShouldBe("HÉLLO WÖRLD\n");
        await client.SendAsync("again\n");
        (await client.ReadUntilAsync("\n")).ShouldBe("AGAIN\n");
        client.Shutdown(SocketShutdown.Send);
        (await client.ReadToEndAsync()).ShouldBeEmpty();
        await server;
    }

    [Fact(Timeout = 60_000)]
    public async Task Chargen_over_tcp_ends_without_error_when_the_client_leaves()
    {
        using Socket listener = TcpListener();
        Task server = ServeOneAsync(listener, Get("chargen"));
        using (Socket client = await Sockets.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port))
        {
            string text = await client.ReadUntilAsync("\r\n");
            text.ShouldStartWith(Encoding.ASCII.GetString(Chargen.Line(0)));
        }

        await server; // would throw if the client's leaving were an error
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Responders_serve_unix_stream_clients_too()
    {
        DirectoryInfo folder = Directory.CreateTempSubdirectory("dc");
        try
        {
            var endPoint = new UnixDomainSocketEndPoint(Path.Combine(folder.FullName, "s"));
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endPoint);
            listener.Listen();
            Task server = ServeOneAsync(listener, Get("time"));

            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(endPoint);
            await client.SendAsync("%Y|%%\n");
            client.Shutdown(SocketShutdown.Send);

            Encoding.UTF8.GetString(await client.ReadToEndAsync()).ShouldMatch(@"^\d{4}\|%\n$");
            await server;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("echo", "ping", @"^ping$")]
    [InlineData("upper", "héllo", @"^HÉLLO$")]
    [InlineData("time", "%H:%M", @"^\d\d:\d\d$")]
    [InlineData("time", "", @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")]
    [InlineData("chargen", "", @"^[ -~]{72}\r\n$")]
    [InlineData("daytime", "", @"^[A-Z][a-z]+day, [A-Z][a-z]+ \d\d, \d{4} \d\d:\d\d:\d\d-\S+\r\n$")]
    public async Task Udp_responders_answer_each_datagram_to_its_sender(string name, string request, string pattern)
    {
        var options = new DotcatOptions { Mode = Mode.Listen, Endpoint = new Endpoint.Udp("127.0.0.1", 0) };
        using DatagramPort server = await Listening.BindDatagramAsync(options, Log.Null, _stop.Token);
        _ = new ResponderHost(Get(name), Log.Null).AnswerDatagramsAsync(server, _stop.Token);

        // Two senders: each gets its own answer.
        foreach (int _ in new[] { 1, 2 })
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await client.ConnectAsync(server.LocalEndPoint!);
            await client.SendAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None);
            var reply = new byte[65_536];
            int length = await client.ReceiveAsync(reply, SocketFlags.None);
            Encoding.UTF8.GetString(reply, 0, length).ShouldMatch(pattern);
        }
    }
}
