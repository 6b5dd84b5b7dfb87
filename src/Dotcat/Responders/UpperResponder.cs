using System.Buffers;
using Dotcat.Model;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// Echo, upper-cased: valid UTF-8 by Unicode rules, other bytes unchanged; a character split across reads is still
/// converted, because the host holds its first bytes back until the rest arrives (<see cref="Requests.Text"/>).
/// </summary>
internal sealed class UpperResponder : Responder
{
    public override string Name => "upper";
    public override ResponderKind Kind => ResponderKind.Upper;
    public override IReadOnlyList<string> Aliases => ["uppercase"];
    public override string Summary => "sends back what it receives, upper-cased (UTF-8 aware)";
    public override Requests Requests => Requests.Text;

    public override AnswerIs Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        Utf8UpperCaser.ToUpper(request, reply);
        return AnswerIs.Written;
    }
}
