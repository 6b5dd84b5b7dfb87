using System.Buffers;
using System.Text;

namespace Dotcat.Text;

/// <summary>
/// Upper-cases a UTF-8 byte stream read in arbitrary pieces: valid UTF-8 by Unicode simple case mapping
/// (<see cref="Rune.ToUpperInvariant"/> plus the two mappings it omits), every byte that is not part of valid UTF-8
/// unchanged. A character whose bytes are split across two reads is held back (at most 3 bytes) until its end arrives.
/// The upper-case form can be shorter or longer than the input ("ı" 2 bytes → "I" 1 byte, "ɐ" 2 → "Ɐ" 3), hence
/// an <see cref="IBufferWriter{T}"/> for the output; nothing is allocated per call.
/// </summary>
internal sealed class Utf8UpperCaser
{
    private readonly byte[] _held = new byte[4];
    private int _heldCount;

    public void Transform(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);

        if (_heldCount > 0)
        {
            input = CompleteHeld(input, output);
        }

        while (!input.IsEmpty)
        {
            int asciiLength = input.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (asciiLength < 0)
            {
                asciiLength = input.Length;
            }

            if (asciiLength > 0)
            {
                Span<byte> destination = output.GetSpan(asciiLength);
                Ascii.ToUpper(input[..asciiLength], destination, out _);
                output.Advance(asciiLength);
                input = input[asciiLength..];
                continue;
            }

            OperationStatus status = Rune.DecodeFromUtf8(input, out Rune rune, out int consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                // Only a valid but unfinished sequence at the very end of the input gets here, so it fits in 3 bytes.
                input.CopyTo(_held);
                _heldCount = input.Length;
                return;
            }

            WriteDecoded(status, rune, input[..consumed], output);
            input = input[consumed..];
        }
    }

    /// <summary>At end of stream: an unfinished character can never complete, so its bytes go out unchanged.</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);

        output.Write(_held.AsSpan(0, _heldCount));
        _heldCount = 0;
    }

    // Joins the held bytes with the start of the input; returns the input not used to finish them.
    private ReadOnlySpan<byte> CompleteHeld(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        int taken = Math.Min(input.Length, _held.Length - _heldCount);
        input[..taken].CopyTo(_held.AsSpan(_heldCount));
        ReadOnlySpan<byte> joined = _held.AsSpan(0, _heldCount + taken);

        OperationStatus status = Rune.DecodeFromUtf8(joined, out Rune rune, out int consumed);
        if (status == OperationStatus.NeedMoreData)
        {
            _heldCount = joined.Length;
            return [];
        }

        // The held bytes are a valid prefix, so the decoder stops (done or invalid) no earlier than their end.
        int previouslyHeld = _heldCount;
        _heldCount = 0;
        WriteDecoded(status, rune, joined[..consumed], output);
        return input[(consumed - previouslyHeld)..];
    }

    // .NET's invariant casing leaves out two Unicode simple mappings (so Turkish-insensitive comparisons stay
    // stable); Unicode, and Python's str.upper, map them.
    private static Rune ToUpper(Rune rune) => rune.Value switch
    {
        0x0131 => new Rune('I'), // ı dotless i
        0x017F => new Rune('S'), // ſ long s
        _ => Rune.ToUpperInvariant(rune),
    };

    private static void WriteDecoded(OperationStatus status, Rune rune, ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        if (status != OperationStatus.Done)
        {
            output.Write(source);
            return;
        }

        Rune upper = ToUpper(rune);
        Span<byte> destination = output.GetSpan(upper.Utf8SequenceLength);
        output.Advance(upper.EncodeToUtf8(destination));
    }
}
