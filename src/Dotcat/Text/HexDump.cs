using System.Globalization;
using System.Text;

namespace Dotcat.Text;

/// <summary>
/// For <c>--hex-dump</c>: formats session blocks like <c>hexdump -C</c>, each line prefixed by the direction mark
/// (<c>&gt;</c> sent, <c>&lt;</c> received), with a running offset kept per direction. Every block starts a new line:
/// <code>&gt; 00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |hello world.|</code>
/// Not thread-safe: callers serialise blocks anyway so the file keeps the session's order.
/// </summary>
internal sealed class HexDump
{
    public const char Sent = '>';
    public const char Received = '<';

    private const int BytesPerLine = 16;
    private const string HexDigits = "0123456789abcdef";

    // "> " + 8 offset digits + 2 spaces + 16 "xx " + 1 middle space + " |" + 16 chars + "|" + "\n"
    private const int MaxLineLength = 2 + 8 + 2 + (BytesPerLine * 3) + 1 + 2 + BytesPerLine + 1 + 1;

    private long _sentOffset;
    private long _receivedOffset;

    /// <summary>The lines for one block, each ending in '\n'; empty for an empty block.</summary>
    public string Format(char direction, ReadOnlySpan<byte> block)
    {
        if (direction is not (Sent or Received))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "expected '>' or '<'");
        }

        ref long offset = ref direction == Sent ? ref _sentOffset : ref _receivedOffset;

        var text = new StringBuilder(((block.Length + BytesPerLine - 1) / BytesPerLine) * MaxLineLength);
        while (!block.IsEmpty)
        {
            ReadOnlySpan<byte> line = block[..Math.Min(BytesPerLine, block.Length)];
            AppendLine(text, direction, offset, line);
            offset += line.Length;
            block = block[line.Length..];
        }

        return text.ToString();
    }

    private static void AppendLine(StringBuilder text, char direction, long offset, ReadOnlySpan<byte> line)
    {
        text.Append(direction).Append(' ');
        // At least 8 digits, more only past 4 GiB.
        Span<char> digits = stackalloc char[16];
        offset.TryFormat(digits, out int length, "x8", CultureInfo.InvariantCulture);
        text.Append(digits[..length]).Append(' ');
        for (int i = 0; i < BytesPerLine; i++)
        {
            if (i == BytesPerLine / 2)
            {
                text.Append(' ');
            }

            if (i < line.Length)
            {
                text.Append(' ').Append(HexDigits[line[i] >> 4]).Append(HexDigits[line[i] & 0xF]);
            }
            else
            {
                text.Append("   ");
            }
        }

        text.Append("  |");
        foreach (byte b in line)
        {
            text.Append(b is >= 0x20 and <= 0x7E ? (char)b : '.');
        }

        text.Append("|\n");
    }
}
