using System.Buffers;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Responders;

/// <summary>RFC 862: every byte back as it came; at the client's EOF, a FIN after the last of them.</summary>
internal sealed class EchoResponder : Responder
{
    public override string Name => "echo";
    public override ResponderKind Kind => ResponderKind.Echo;
    public override string Summary => "sends back every byte received (RFC 862)";

    public override async Task ServeAsync(Duplex peer, CancellationToken cancellationToken)
    {
        await ReadChunksAsync(peer, peer, static (p, chunk, ct) => p.WriteAsync(chunk, ct), cancellationToken);
        await peer.CompleteWritesAsync();
    }

    public override bool Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        reply.Write(request);
        return true;
    }
}
