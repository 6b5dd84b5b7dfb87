using System.Buffers;
using System.Text;
using Dotcat.Model;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// Each request line (TCP) or datagram (UDP) is a strftime format; the answer is the local time in it, or in
/// <c>--time-format</c> when the request is empty. The host ends a line's answer with a newline; a datagram's answer
/// is the bare text.
/// </summary>
internal sealed class TimeResponder(ResponderSettings settings) : Responder
{
    public override string Name => "time";
    public override ResponderKind Kind => ResponderKind.Time;
    public override string Summary => "answers each line, a strftime format, with the local time (default --time-format)";
    public override Requests Requests => Requests.Lines;

    public override AnswerIs Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        DateTimeOffset now = settings.Clock.GetLocalNow();
        string zone = Strftime.LocalZoneName(settings.Clock.LocalTimeZone, now);
        string format = request.IsEmpty ? settings.TimeFormat : Encoding.UTF8.GetString(request);
        Encoding.UTF8.GetBytes(Strftime.Format(format, now, zone), reply);
        return AnswerIs.Written;
    }
}
