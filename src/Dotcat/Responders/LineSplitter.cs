using System.Buffers;

namespace Dotcat.Responders;

/// <summary>
/// Cuts a stream read in pieces into lines (each with its <c>\n</c>). A line that one read holds whole is handed out
/// as a slice of it; only an unfinished line is copied, into an array borrowed until it is finished, so a client
/// that idles between lines holds nothing. A line longer than <see cref="MaxLength"/> is cut there, so a client
/// without newlines cannot grow memory.
/// </summary>
internal sealed class LineSplitter
{
    public const int MaxLength = 4096;

    private byte[] _held = [];
    private int _heldLength;
    private bool _heldIsOut;

    /// <summary>The next whole line at the start of <paramref name="data"/> (with what is held), consumed from it; false once it is used up.</summary>
    public bool TryTake(ref ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte> line)
    {
        ReleaseLineHandedOut();
        line = default;
        if (data.IsEmpty)
            return false;
        int room = Math.Min(data.Length, MaxLength - _heldLength);
        int newline = data.Span[..room].IndexOf((byte)'\n');
        int take = newline < 0 ? room : newline + 1;
        bool whole = newline >= 0 || _heldLength + take >= MaxLength;
        ReadOnlyMemory<byte> piece = data[..take];
        data = data[take..];
        if (whole && _heldLength == 0)
        {
            line = piece;
            return true;
        }
        Hold(piece.Span);
        if (!whole)
            return false;
        line = HandOutHeld();
        return true;
    }

    /// <summary>At EOF: the last line, unfinished; false when there is none.</summary>
    public bool TryTakeRest(out ReadOnlyMemory<byte> line)
    {
        ReleaseLineHandedOut();
        line = _heldLength > 0 ? HandOutHeld() : default;
        return !line.IsEmpty;
    }

    /// <summary>Gives back what is still held (after the last line handed out has been used).</summary>
    public void Release()
    {
        ReleaseLineHandedOut();
        if (_held.Length > 0)
            ArrayPool<byte>.Shared.Return(_held);
        _held = [];
        _heldLength = 0;
    }

    /// <summary>The line of a request without its end (<c>\n</c> or <c>\r\n</c>): what a line-reading responder answers.</summary>
    public static ReadOnlySpan<byte> WithoutLineEnd(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\n"u8))
            line = line[..^1];
        return line.EndsWith("\r"u8) ? line[..^1] : line;
    }

    private ReadOnlyMemory<byte> HandOutHeld()
    {
        ReadOnlyMemory<byte> line = _held.AsMemory(0, _heldLength);
        _heldLength = 0;
        _heldIsOut = true;
        return line;
    }

    // The array of the line handed out last goes back to the pool once the caller asks for the next line.
    private void ReleaseLineHandedOut()
    {
        if (!_heldIsOut)
            return;
        _heldIsOut = false;
        ArrayPool<byte>.Shared.Return(_held);
        _held = [];
    }

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        if (_heldLength + bytes.Length > _held.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_heldLength + bytes.Length, 256));
            _held.AsSpan(0, _heldLength).CopyTo(larger);
            if (_held.Length > 0)
                ArrayPool<byte>.Shared.Return(_held);
            _held = larger;
        }
        bytes.CopyTo(_held.AsSpan(_heldLength));
        _heldLength += bytes.Length;
    }
}
