using System.Buffers;
using Dotcat.Model;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// RFC 864: streams the character pattern until the client leaves, which is the normal end, not an error; what the
/// client sends is read and dropped. Over UDP each datagram gets the next line of the pattern.
/// </summary>
internal sealed class ChargenResponder : Responder
{
    public override string Name => "chargen";
    public override ResponderKind Kind => ResponderKind.Chargen;
    public override string Summary => "streams the RFC 864 character pattern until the client leaves";
    public override bool SpeaksFirst => true;

    public override int Speak(long said, int size, IBufferWriter<byte> reply)
    {
        int length = Math.Max(1, size / Chargen.LineLength) * Chargen.LineLength;
        Chargen.Fill(reply.GetSpan(length)[..length], from: said);
        reply.Advance(length);
        return length;
    }
}
