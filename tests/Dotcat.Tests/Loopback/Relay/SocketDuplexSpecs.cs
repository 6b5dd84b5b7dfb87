using System.Net.Sockets;
using System.Security.Cryptography;
using Dotcat.Relay;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Relay;

/// <summary>
/// <see cref="SocketDuplex"/> takes what a socket has now with calls that return errors as codes and leaves only the
/// waiting to .NET's asynchronous calls (ResetFootprintTests says why): the two paths together must still move every
/// byte in order, report a reset as a reset, and honour cancellation without losing data.
/// </summary>
public class SocketDuplexSpecs
{
    [Fact(Timeout = 30_000)]
    public async Task A_reset_that_has_arrived_is_a_reset_for_the_next_read()
    {
        await using SocketDuplex duplex = await WithResetArrivedAsync();
        SocketException e = await Should.ThrowAsync<SocketException>(duplex.ReadAsync(new byte[16], CancellationToken.None).AsTask());
        e.SocketErrorCode.ShouldBe(SocketError.ConnectionReset);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_reset_that_has_arrived_fails_the_next_send()
    {
        await using SocketDuplex duplex = await WithResetArrivedAsync();
        SocketException e = await Should.ThrowAsync<SocketException>(duplex.WriteAsync(new byte[16], CancellationToken.None).AsTask());
        e.SocketErrorCode.ShouldBeOneOf(SocketError.ConnectionReset, SocketError.Shutdown);
    }

    /// <summary>A duplex whose peer has reset, once the reset is there (a wait for input has seen it arrive).</summary>
    private static async Task<SocketDuplex> WithResetArrivedAsync()
    {
        (Socket ours, Socket peer) = await LoopbackTcp.PairAsync();
        var duplex = new SocketDuplex(ours);
        ValueTask waiting = duplex.WaitForInputAsync(CancellationToken.None);
        Reset(peer);
        await waiting;
        return duplex;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_write_larger_than_the_socket_buffers_arrives_whole_and_in_order()
    {
        (Socket ours, Socket peer) = await LoopbackTcp.PairAsync();
        byte[] data = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
        using (peer)
        {
            var duplex = new SocketDuplex(ours);
            Task<byte[]> received = ReadToEndAsync(peer);
            await duplex.WriteAsync(data, CancellationToken.None);         // most of it waits for room
            await duplex.CompleteWritesAsync();
            byte[] got = await received;
            got.Length.ShouldBe(data.Length);
            SHA256.HashData(got).ShouldBe(SHA256.HashData(data));
            await duplex.DisposeAsync();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cancelled_read_loses_nothing_for_the_next_one()
    {
        (Socket ours, Socket peer) = await LoopbackTcp.PairAsync();
        using (peer)
        {
            var duplex = new SocketDuplex(ours);
            await using (duplex)
            {
                using (var cancel = new CancellationTokenSource())
                {
                    ValueTask<int> pending = duplex.ReadAsync(new byte[16], cancel.Token);
                    await cancel.CancelAsync();
                    await Should.ThrowAsync<OperationCanceledException>(pending.AsTask());
                    await Should.ThrowAsync<OperationCanceledException>(duplex.ReadAsync(new byte[16], cancel.Token).AsTask());
                }

                await peer.SendAsync("ping"u8.ToArray(), SocketFlags.None);
                byte[] buffer = new byte[16];
                int read = await duplex.ReadAsync(buffer, CancellationToken.None);
                buffer[..read].ShouldBe("ping"u8.ToArray());
            }
        }
    }

    private static void Reset(Socket peer)
    {
        peer.LingerState = new LingerOption(true, 0);
        peer.Close();
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var all = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            all.Write(buffer, 0, read);
            await Task.Yield();                                           // a reader a little slower than the writer
        }
        return all.ToArray();
    }
}
