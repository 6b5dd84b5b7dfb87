namespace Dotcat.Text;

/// <summary>
/// For <c>--crlf</c>: turns line ends of a byte stream into CR LF. The rule, over the stream as a whole rather than
/// per read: every LF whose preceding byte is not CR gets a CR inserted before it; nothing else changes (a lone CR
/// stays a lone CR, CR LF stays CR LF). The preceding byte may have come in the previous read, so the translator
/// remembers whether the last byte it saw was a CR.
/// </summary>
internal sealed class CrlfTranslator
{
    private byte[] _buffer = [];
    private bool _lastWasCr;

    /// <summary>
    /// Returns the translated bytes: <paramref name="input"/> itself when no LF needs a CR (no copy), otherwise a
    /// view of an internal buffer that stays valid only until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Translate(ReadOnlyMemory<byte> input)
    {
        ReadOnlySpan<byte> source = input.Span;
        if (source.IsEmpty)
        {
            return input;
        }

        bool previousWasCr = _lastWasCr;
        _lastWasCr = source[^1] == (byte)'\r';

        int firstBare = IndexOfBareLf(source, previousWasCr);
        if (firstBare < 0)
        {
            return input;
        }

        int maxLength = source.Length * 2;
        if (_buffer.Length < maxLength)
        {
            _buffer = new byte[maxLength];
        }

        Span<byte> target = _buffer;
        source[..firstBare].CopyTo(target);
        int written = firstBare;
        int read = firstBare;
        while (read < source.Length)
        {
            int lf = source[read..].IndexOf((byte)'\n');
            int end = lf < 0 ? source.Length : read + lf;
            source[read..end].CopyTo(target[written..]);
            written += end - read;
            if (lf < 0)
            {
                break;
            }

            bool afterCr = end > 0 ? source[end - 1] == (byte)'\r' : previousWasCr;
            if (!afterCr)
            {
                target[written++] = (byte)'\r';
            }

            target[written++] = (byte)'\n';
            read = end + 1;
        }

        return _buffer.AsMemory(0, written);
    }

    private static int IndexOfBareLf(ReadOnlySpan<byte> source, bool previousWasCr)
    {
        int start = 0;
        while (true)
        {
            int lf = source[start..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return -1;
            }

            int index = start + lf;
            bool afterCr = index > 0 ? source[index - 1] == (byte)'\r' : previousWasCr;
            if (!afterCr)
            {
                return index;
            }

            start = index + 1;
        }
    }
}
