using System.Buffers;
using System.Text;

namespace Dotcat.Text;

/// <summary>
/// Upper-cases UTF-8 text: valid UTF-8 by Unicode simple case mapping (<see cref="Rune.ToUpperInvariant"/> plus the
/// two mappings it omits), every byte that is not part of valid UTF-8 unchanged. The text is taken as whole: a stream
/// read in pieces holds back a character cut in two with <see cref="Utf8Carry"/> first, and an unfinished character at
/// the end goes out unchanged. The upper-case form can be shorter or longer than the input ("ı" 2 bytes → "I" 1 byte,
/// "ɐ" 2 → "Ɐ" 3), hence an <see cref="IBufferWriter{T}"/> for the output; nothing is allocated per call.
/// </summary>
internal static class Utf8UpperCaser
{
    public static void ToUpper(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);

        while (!input.IsEmpty)
        {
            int asciiLength = input.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (asciiLength < 0)
                asciiLength = input.Length;

            if (asciiLength > 0)
            {
                Span<byte> destination = output.GetSpan(asciiLength);
                Ascii.ToUpper(input[..asciiLength], destination, out _);
                output.Advance(asciiLength);
                input = input[asciiLength..];
                continue;
            }

            OperationStatus status = Rune.DecodeFromUtf8(input, out Rune rune, out int consumed);
            if (status != OperationStatus.Done)
            {
                // Invalid bytes, or a character the text ends before finishing: unchanged.
                output.Write(input[..consumed]);
            }
            else
            {
                Rune upper = ToUpper(rune);
                Span<byte> destination = output.GetSpan(upper.Utf8SequenceLength);
                output.Advance(upper.EncodeToUtf8(destination));
            }
            input = input[consumed..];
        }
    }

    // .NET's invariant casing leaves out two Unicode simple mappings (so Turkish-insensitive comparisons stay
    // stable); Unicode, and Python's str.upper, map them.
    private static Rune ToUpper(Rune rune) => rune.Value switch
    {
        0x0131 => new Rune('I'), // ı dotless i
        0x017F => new Rune('S'), // ſ long s
        _ => Rune.ToUpperInvariant(rune),
    };
}
