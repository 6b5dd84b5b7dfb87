using System.Buffers;
using Dotcat.Model;

namespace Dotcat.Responders;

/// <summary>RFC 862: every byte back as it came; at the client's EOF, a FIN after the last of them.</summary>
internal sealed class EchoResponder : Responder
{
    public override string Name => "echo";
    public override ResponderKind Kind => ResponderKind.Echo;
    public override string Summary => "sends back every byte received (RFC 862)";

    public override AnswerIs Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply) => AnswerIs.TheRequest;
}
