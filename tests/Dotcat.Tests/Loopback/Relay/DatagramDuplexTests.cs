using System.Net;
using System.Net.Sockets;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Tests.Loopback.Relay;

/// <summary>The datagram byte channels over real loopback sockets, in process.</summary>
public sealed class DatagramDuplexTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_large_write_is_split_into_datagrams_of_at_most_65507_bytes()
    {
        using Socket peer = Bound();
        await using var duplex = new DatagramDuplex(ConnectedTo(peer), Datagrams.MaxUdp);
        byte[] data = new byte[150_000];
        Random.Shared.NextBytes(data);

        await duplex.WriteAsync(data, CancellationToken.None);

        var buffer = new byte[70_000];
        int[] sizes = [await peer.ReceiveAsync(buffer), 0, 0];
        sizes[1] = await peer.ReceiveAsync(buffer);
        sizes[2] = await peer.ReceiveAsync(buffer);
        sizes.ShouldBe([65_507, 65_507, 150_000 - (2 * 65_507)]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Empty_datagrams_are_skipped_rather_than_read_as_EOF()
    {
        using Socket peer = Bound();
        Socket socket = ConnectedTo(peer);
        await using var duplex = new DatagramDuplex(socket, Datagrams.MaxUdp);
        await peer.SendToAsync(Array.Empty<byte>(), socket.LocalEndPoint!);
        await peer.SendToAsync("data"u8.ToArray(), socket.LocalEndPoint!);

        var buffer = new byte[100];
        int read = await duplex.ReadAsync(buffer, CancellationToken.None);
        buffer.AsSpan(0, read).ToArray().ShouldBe("data"u8.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_datagram_already_received_is_read_first()
    {
        using Socket peer = Bound();
        await using var duplex = new DatagramDuplex(ConnectedTo(peer), Datagrams.MaxUdp, first: "first"u8.ToArray());
        var buffer = new byte[100];
        int read = await duplex.ReadAsync(buffer, CancellationToken.None);
        buffer.AsSpan(0, read).ToArray().ShouldBe("first"u8.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refused_port_fails_the_pending_read_with_connection_refused()
    {
        EndPoint closed;
        using (Socket gone = Bound())
            closed = gone.LocalEndPoint!;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(closed);
        await using var duplex = new DatagramDuplex(socket, Datagrams.MaxUdp);

        ValueTask<int> pending = duplex.ReadAsync(new byte[100], CancellationToken.None);
        try
        {
            await duplex.WriteAsync("anyone?"u8.ToArray(), CancellationToken.None);
            await duplex.WriteAsync("anyone?"u8.ToArray(), CancellationToken.None);
        }
        catch (SocketException)
        {
            // Which call reports the ICMP error is a race; the read must see it either way.
        }
        var e = await Should.ThrowAsync<SocketException>(pending.AsTask());
        e.SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_multi_peer_duplex_answers_the_peer_that_spoke_last_and_notices_new_peers_once()
    {
        using Socket server = Bound();
        var seen = new List<EndPoint>();
        await using var duplex = new MultiPeerDatagramDuplex(server, Datagrams.MaxUdp, seen.Add);
        using Socket a = Bound(), b = Bound();
        var buffer = new byte[100];

        await a.SendToAsync("a"u8.ToArray(), server.LocalEndPoint!);
        await duplex.ReadAsync(buffer, CancellationToken.None);
        await b.SendToAsync("b"u8.ToArray(), server.LocalEndPoint!);
        await duplex.ReadAsync(buffer, CancellationToken.None);
        await a.SendToAsync("a"u8.ToArray(), server.LocalEndPoint!);
        await duplex.ReadAsync(buffer, CancellationToken.None);
        await duplex.WriteAsync("to-a"u8.ToArray(), CancellationToken.None);

        int read = await a.ReceiveAsync(buffer);
        buffer.AsSpan(0, read).ToArray().ShouldBe("to-a"u8.ToArray());
        seen.ShouldBe([a.LocalEndPoint!, b.LocalEndPoint!]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_multi_peer_duplex_holds_writes_until_someone_speaks()
    {
        using Socket server = Bound();
        await using var duplex = new MultiPeerDatagramDuplex(server, Datagrams.MaxUdp);
        ValueTask write = duplex.WriteAsync("hello"u8.ToArray(), CancellationToken.None);
        write.IsCompleted.ShouldBeFalse();

        using Socket a = Bound();
        await a.SendToAsync("hi"u8.ToArray(), server.LocalEndPoint!);
        await duplex.ReadAsync(new byte[10], CancellationToken.None);
        await write;
        var buffer = new byte[10];
        int read = await a.ReceiveAsync(buffer);
        buffer.AsSpan(0, read).ToArray().ShouldBe("hello"u8.ToArray());
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static Socket ConnectedTo(Socket peer)
    {
        Socket socket = Bound();
        socket.Connect(peer.LocalEndPoint!);
        return socket;
    }
}
