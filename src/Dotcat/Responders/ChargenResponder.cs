using System.Buffers;
using System.Net.Sockets;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// RFC 864: streams the character pattern until the client leaves, which is the normal end, not an error; what the
/// client sends is read and dropped. Over UDP each datagram gets the next line of the pattern.
/// </summary>
internal sealed class ChargenResponder : Responder
{
    private int _nextLine = -1;

    public override string Name => "chargen";
    public override ResponderKind Kind => ResponderKind.Chargen;
    public override string Summary => "streams the RFC 864 character pattern until the client leaves";

    public override async Task ServeAsync(Duplex peer, CancellationToken cancellationToken)
    {
        using var left = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task drain = DrainAsync(peer, left);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var pattern = new Chargen();
            var fairness = new Fairness();
            while (true)
            {
                pattern.Fill(buffer);
                await fairness.YieldIfBusyAsync(peer.WriteAsync(buffer, left.Token));
            }
        }
        catch (SocketException)
        {
            // The client closed or reset the connection: that is how a chargen conversation ends.
        }
        catch (OperationCanceledException) when (left.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The reading side saw the connection fail.
        }
        finally
        {
            await left.CancelAsync();
            await drain;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override bool Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        reply.Write(Chargen.Line(Interlocked.Increment(ref _nextLine) & int.MaxValue));
        return true;
    }

    // Reads and drops the client's bytes; a failed read means the client is gone, so writing stops too.
    private static async Task DrainAsync(Duplex peer, CancellationTokenSource left)
    {
        try
        {
            await ReadChunksAsync(peer, 0, static (_, _, _) => ValueTask.CompletedTask, left.Token);
        }
        catch (SocketException)
        {
            await left.CancelAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
