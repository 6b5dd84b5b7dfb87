using System.Buffers;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Responders;

/// <summary>RFC 863: reads and drops everything; never answers.</summary>
internal sealed class DiscardResponder : Responder
{
    public override string Name => "discard";
    public override ResponderKind Kind => ResponderKind.Discard;
    public override string Summary => "reads and drops everything (RFC 863)";

    public override async Task ServeAsync(Duplex peer, CancellationToken cancellationToken)
    {
        await ReadChunksAsync(peer, 0, static (_, _, _) => ValueTask.CompletedTask, cancellationToken);
        await peer.CompleteWritesAsync();
    }

    public override bool Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply) => false;
}
