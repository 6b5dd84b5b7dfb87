namespace Dotcat.Text;

/// <summary>
/// The RFC 864 character generator pattern: the 95 printable ASCII characters (space to '~'); line i is the 72
/// characters starting at character i mod 95, wrapping around, followed by CR LF. The pattern repeats every 95 lines,
/// so that whole cycle is built once and streamed by copying.
/// </summary>
internal sealed class Chargen
{
    public const int LineLength = 74;
    private const int PrintableCount = 95;
    private const int TextLength = 72;

    private static readonly byte[] Cycle = BuildCycle();

    private int _position;

    /// <summary>Fills the whole buffer with the stream, continuing where the previous call stopped.</summary>
    public void Fill(Span<byte> buffer)
    {
        Fill(buffer, from: _position);
        _position = (int)((_position + buffer.Length) % Cycle.Length);
    }

    /// <summary>Fills the whole buffer with the stream from byte <paramref name="from"/> of it on.</summary>
    public static void Fill(Span<byte> buffer, long from)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        int position = (int)(from % Cycle.Length);
        while (!buffer.IsEmpty)
        {
            int count = Math.Min(buffer.Length, Cycle.Length - position);
            Cycle.AsSpan(position, count).CopyTo(buffer);
            buffer = buffer[count..];
            position = 0;
        }
    }

    /// <summary>Line <paramref name="index"/> (0-based) with its CR LF: what one UDP datagram carries.</summary>
    public static byte[] Line(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Cycle.AsSpan(index % PrintableCount * LineLength, LineLength).ToArray();
    }

    private static byte[] BuildCycle()
    {
        var cycle = new byte[PrintableCount * LineLength];
        for (int line = 0; line < PrintableCount; line++)
        {
            Span<byte> target = cycle.AsSpan(line * LineLength, LineLength);
            for (int column = 0; column < TextLength; column++)
            {
                target[column] = (byte)(' ' + ((line + column) % PrintableCount));
            }

            target[TextLength] = (byte)'\r';
            target[TextLength + 1] = (byte)'\n';
        }

        return cycle;
    }
}
