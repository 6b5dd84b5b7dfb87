using System.Buffers;
using System.Text;

namespace Dotcat.Text;

/// <summary>
/// Text read in pieces: the bytes that begin a UTF-8 character a read cut in two (at most 3) wait for the next read,
/// so the character is judged whole instead of as invalid bytes.
/// </summary>
internal sealed class Utf8Carry
{
    private readonly byte[] _held = new byte[3];
    private int _count;

    /// <summary>Copies the held bytes to the start of <paramref name="buffer"/>; the next read goes after them.</summary>
    public int Prepend(Span<byte> buffer)
    {
        _held.AsSpan(0, _count).CopyTo(buffer);
        return _count;
    }

    /// <summary>How much of <paramref name="data"/> is complete; the unfinished tail is held for <see cref="Prepend"/>.</summary>
    public int Complete(ReadOnlySpan<byte> data)
    {
        int tail = UnfinishedTail(data);
        data[^tail..].CopyTo(_held);
        _count = tail;
        return data.Length - tail;
    }

    /// <summary>
    /// How many bytes at the end of <paramref name="data"/> begin a UTF-8 character that is not complete yet (0 to 3).
    /// </summary>
    public static int UnfinishedTail(ReadOnlySpan<byte> data)
    {
        for (int back = 1; back <= Math.Min(3, data.Length); back++)
        {
            byte b = data[^back];
            if ((b & 0xC0) == 0x80)
                continue;                                   // a continuation byte: the lead is further back
            return Rune.DecodeFromUtf8(data[^back..], out _, out _) == OperationStatus.NeedMoreData ? back : 0;
        }
        return 0;
    }
}
