using System.Buffers;
using System.Text;
using Dotcat.Model;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// RFC 867: one line with the local date and time, then the end of the conversation. The RFC leaves the format
/// free; dotcat uses its example's shape: <c>Saturday, November 21, 2026 17:05:09-UTC</c>, ended by CR LF.
/// </summary>
internal sealed class DaytimeResponder(ResponderSettings settings) : Responder
{
    public const string Format = "%A, %B %d, %Y %H:%M:%S-%Z";

    public override string Name => "daytime";
    public override ResponderKind Kind => ResponderKind.Daytime;
    public override string Summary => "sends the date and time as one line, then closes (RFC 867)";
    public override bool SpeaksFirst => true;
    public override bool ClosesAfterFirstAnswer => true;

    public override int Speak(long said, int size, IBufferWriter<byte> reply)
    {
        DateTimeOffset now = settings.Clock.GetLocalNow();
        string zone = Strftime.LocalZoneName(settings.Clock.LocalTimeZone, now);
        return (int)Encoding.UTF8.GetBytes(Strftime.Format(Format, now, zone) + "\r\n", reply);
    }
}
