using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Tests.Support;
using Dotcat.Transports;

namespace Dotcat.Tests.Loopback.Transports;

/// <summary>Transports and the relay with real loopback sockets, in this process.</summary>
public class TcpLoopbackSpecs
{
    private static readonly DotcatOptions Listen = new() { Mode = Mode.Listen, Endpoint = new Endpoint.Tcp(null, 0) };

    private static DotcatOptions Connect(string host, int port, string? source = null, int? sourcePort = null) =>
        new() { Endpoint = new Endpoint.Tcp(host, port, source, sourcePort) };

    private static async Task<Socket> ConnectAsync(DotcatOptions options)
    {
        Connection connection = await new SocketConnector(options, Log.Null).ConnectAsync(CancellationToken.None);
        return ((SocketDuplex)connection.Duplex).Socket;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_listener_without_host_takes_ipv4_and_ipv6_clients()
    {
        if (!Socket.OSSupportsIPv6)
            return;
        var log = new StringWriter();
        using StreamListener listener = await Listening.ListenStreamAsync(Listen, new Log(log, verbosity: 1), CancellationToken.None);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        log.ToString().ShouldBe($"dotcat: listening on [::]:{port}{Environment.NewLine}");
        foreach (IPAddress address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(address, port);
            await using Connection accepted = await listener.AcceptAsync(CancellationToken.None);
            accepted.Peer.ShouldStartWith(address.AddressFamily == AddressFamily.InterNetwork ? "127.0.0.1:" : "[::1]:");
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("127.0.0.1", "::1")]
    [InlineData("::1", "127.0.0.1")]
    public async Task A_client_tries_each_address_in_order_until_one_accepts(string listening, string silent)
    {
        if (!Socket.OSSupportsIPv6)
            return;
        using var listener = new TcpListener(IPAddress.Parse(listening), 0);
        listener.Start();
        DotcatOptions options = Connect("localhost", ((IPEndPoint)listener.LocalEndpoint).Port);
        IPAddress[] resolved = [IPAddress.Parse(silent), IPAddress.Parse(listening)];   // what a dual-stack localhost gives

        using Socket socket = await new SocketConnector(options, Log.Null).ConnectFirstAsync(
            resolved, options.Ip(), SocketType.Stream, ProtocolType.Tcp, CancellationToken.None);
        ((IPEndPoint)socket.RemoteEndPoint!).Address.ShouldBe(IPAddress.Parse(listening));
    }

    [Fact(Timeout = 60_000)]
    public async Task Localhost_reaches_an_ipv4_listener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using Socket socket = await ConnectAsync(Connect("localhost", ((IPEndPoint)listener.LocalEndpoint).Port));
        ((IPEndPoint)socket.RemoteEndPoint!).Address.ShouldBe(IPAddress.Loopback);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_source_port_is_bound_before_connecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int sourcePort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            sourcePort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using Socket socket = await ConnectAsync(Connect("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "127.0.0.1", sourcePort));
        ((IPEndPoint)socket.LocalEndPoint!).Port.ShouldBe(sourcePort);
    }

    [Fact]
    public void A_literal_of_the_wrong_family_is_a_usage_error() =>
        CommandLine.Parse(["-4", "::1", "1"]).UsageError.ShouldBe("'::1' is an IPv6 address, but -4 was given");

    [Fact(Timeout = 60_000)]
    public async Task The_relay_over_sockets_half_closes_and_keeps_reading()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using Socket peer = await listener.AcceptSocketAsync();

        var stdout = new MemoryStream();
        await using var local = new LocalEnd(ByteSources.From(new MemoryStream("question"u8.ToArray())), new StdoutWriter(stdout));
        Task<RelayStats> relay = DuplexRelay.RunAsync(local, new SocketDuplex(socket), new RelayOptions(), CancellationToken.None);

        var buffer = new byte[64];
        int total = 0, read;
        while ((read = await peer.ReceiveAsync(buffer.AsMemory(total))) > 0)
            total += read;                                                   // ends at our FIN
        total.ShouldBe(8);
        await peer.SendAsync("answer"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        RelayStats stats = await relay;
        stdout.ToArray().ShouldBe("answer"u8.ToArray());
        stats.ShouldBe(stats with { Sent = 8, Received = 6 });
    }
}
