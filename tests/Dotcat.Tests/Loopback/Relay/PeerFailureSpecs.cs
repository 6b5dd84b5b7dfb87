using System.Net.Sockets;
using Dotcat.Relay;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Relay;

/// <summary>
/// The exit code tells the truth (SPEC section 3): a peer that resets or goes away while the relay still uploads fails
/// the session, with what was not sent, over real TCP and Unix sockets. Ten trials each: the reset races the receive
/// that Linux answers with 0 afterwards, so a single trial could pass by luck.
/// </summary>
public class PeerFailureSpecs
{
    private const int Trials = 10;
    private static readonly byte[] SixtyFourMiB = new byte[64 * 1024 * 1024];

    [Fact(Timeout = 60_000)]
    public async Task A_tcp_peer_that_resets_mid_upload_fails_the_relay_with_what_was_not_sent()
    {
        for (int trial = 0; trial < Trials; trial++)
        {
            (Socket ours, Socket peer) = await LoopbackTcp.PairAsync();
            PeerFailedException failure = await UploadUntilThePeerLeavesAsync(ours, peer, reset: true);
            failure.Error.ShouldBe(SocketError.ConnectionReset, $"trial {trial}");
            failure.Message.ShouldStartWith("connection reset by peer");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_tcp_peer_that_closes_mid_upload_without_reading_fails_the_relay()
    {
        for (int trial = 0; trial < Trials; trial++)
        {
            (Socket ours, Socket peer) = await LoopbackTcp.PairAsync();
            await UploadUntilThePeerLeavesAsync(ours, peer, reset: false);
        }
    }

    [UnixFact(Timeout = 60_000)]
    public async Task A_unix_peer_that_closes_mid_upload_fails_the_relay_with_what_was_not_sent()
    {
        using var dir = new TempDir();
        for (int trial = 0; trial < Trials; trial++)
        {
            var path = new UnixDomainSocketEndPoint(dir.Path($"s{trial}"));
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(path);
            listener.Listen();
            var ours = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await ours.ConnectAsync(path);
            Socket peer = await listener.AcceptAsync();
            await UploadUntilThePeerLeavesAsync(ours, peer, reset: false);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reset_after_everything_was_sent_names_no_lost_bytes()
    {
        (Socket ours, Socket peer) = await LoopbackTcp.PairAsync();
        await using var local = new LocalEnd(ByteSources.From(new MemoryStream("ping\n"u8.ToArray())), new StdoutWriter(new MemoryStream()));
        using (peer)
        {
            Task<RelayStats> relay = DuplexRelay.RunAsync(local, new SocketDuplex(ours), new RelayOptions(), CancellationToken.None);
            (await peer.ReadToEndAsync()).Length.ShouldBe(5);             // all of it, then our FIN
            peer.LingerState = new LingerOption(true, 0);
            peer.Close();

            PeerFailedException failure = await Should.ThrowAsync<PeerFailedException>(relay);
            failure.Message.ShouldBe("connection reset by peer");
            failure.NotSent.ShouldBe(0);
        }
    }

    /// <summary>
    /// Relays 64 MiB into <paramref name="ours"/>; the peer reads 1 MiB, then closes (with RST when
    /// <paramref name="reset"/>). The relay must fail, never report success, and count what it read but did not send.
    /// </summary>
    private static async Task<PeerFailedException> UploadUntilThePeerLeavesAsync(Socket ours, Socket peer, bool reset)
    {
        await using var local = new LocalEnd(ByteSources.From(new MemoryStream(SixtyFourMiB, writable: false)), new StdoutWriter(new MemoryStream()));
        Task<RelayStats> relay = DuplexRelay.RunAsync(local, new SocketDuplex(ours), new RelayOptions(), CancellationToken.None);
        using (peer)
        {
            var buffer = new byte[64 * 1024];
            for (int taken = 0; taken < 1024 * 1024;)
                taken += await peer.ReceiveAsync(buffer, SocketFlags.None);
            if (reset)
                peer.LingerState = new LingerOption(true, 0);
        }

        PeerFailedException failure = await Should.ThrowAsync<PeerFailedException>(relay);
        (failure.NotSent > 0 || failure.InputLeft).ShouldBeTrue(failure.Message);
        failure.InputLeft.ShouldBeTrue();                                 // 64 MiB cannot all have been read
        return failure;
    }
}
