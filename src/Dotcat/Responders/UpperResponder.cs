using System.Buffers;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// Echo, upper-cased: valid UTF-8 by Unicode rules, other bytes unchanged, a character split across reads still
/// converted (<see cref="Utf8UpperCaser"/> holds its first bytes back until the rest arrives).
/// </summary>
internal sealed class UpperResponder : Responder
{
    public override string Name => "upper";
    public override ResponderKind Kind => ResponderKind.Upper;
    public override IReadOnlyList<string> Aliases => ["uppercase"];
    public override string Summary => "sends back what it receives, upper-cased (UTF-8 aware)";

    public override async Task ServeAsync(Duplex peer, CancellationToken cancellationToken)
    {
        var conversation = new Conversation(peer);
        await ReadChunksAsync(peer, conversation, static (c, chunk, ct) => c.AnswerAsync(chunk, ct), cancellationToken);
        await conversation.FinishAsync(cancellationToken);
        await peer.CompleteWritesAsync();
    }

    public override bool Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        var caser = new Utf8UpperCaser();
        caser.Transform(request, reply);
        caser.Flush(reply);
        return true;
    }

    private sealed class Conversation(Duplex peer)
    {
        private readonly Utf8UpperCaser _caser = new();

        public async ValueTask AnswerAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            using var output = new PooledBufferWriter();
            _caser.Transform(chunk.Span, output);
            await SendAsync(output, cancellationToken);
        }

        /// <summary>At EOF, bytes of a character that never finished go back unchanged.</summary>
        public async ValueTask FinishAsync(CancellationToken cancellationToken)
        {
            using var output = new PooledBufferWriter();
            _caser.Flush(output);
            await SendAsync(output, cancellationToken);
        }

        private async ValueTask SendAsync(PooledBufferWriter output, CancellationToken cancellationToken)
        {
            if (output.WrittenCount > 0)
                await peer.WriteAsync(output.WrittenMemory, cancellationToken);
        }
    }
}
