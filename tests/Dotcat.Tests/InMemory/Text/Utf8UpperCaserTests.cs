using System.Buffers;
using System.Text;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class Utf8UpperCaserTests
{
    [Theory]
    [InlineData("héllo wörld", "HÉLLO WÖRLD")]
    [InlineData("hello, World 123!\r\n", "HELLO, WORLD 123!\r\n")]
    [InlineData("", "")]
    [InlineData("σς", "ΣΣ")]
    [InlineData("ǆ", "Ǆ")]
    [InlineData("ß", "ß")] // simple case mapping: no "SS"
    [InlineData("ı", "I")] // 2 bytes become 1; .NET's invariant casing alone leaves it
    [InlineData("ſ", "S")]
    [InlineData("ɐɑ", "ⱯⱭ")] // 2 bytes become 3
    [InlineData("ⱥ", "Ⱥ")] // 3 bytes become 2
    [InlineData("𐐨", "𐐀")] // 4 bytes (Deseret)
    [InlineData("😀 ✓ 中文", "😀 ✓ 中文")]
    public void Upper_converts_valid_utf8_by_simple_case_mapping(string input, string expected)
    {
        Upper(Encoding.UTF8.GetBytes(input)).ShouldBe(Encoding.UTF8.GetBytes(expected));
    }

    [Fact]
    public void Upper_passes_invalid_bytes_through_unchanged()
    {
        byte[] input = [0xFF, (byte)'a', 0xC3, (byte)'b', 0x80, 0xED, 0xA0, 0x80, 0xC0, 0xAF, 0xF5, (byte)'z', 0xE2, 0x82, (byte)'c'];
        byte[] expected = [0xFF, (byte)'A', 0xC3, (byte)'B', 0x80, 0xED, 0xA0, 0x80, 0xC0, 0xAF, 0xF5, (byte)'Z', 0xE2, 0x82, (byte)'C'];

        Upper(input).ShouldBe(expected);
    }

    [Fact]
    public void Upper_converts_a_character_split_across_reads()
    {
        var stream = new CarriedText();

        stream.Read([(byte)'h', 0xC3]).ShouldBe([(byte)'H']);
        stream.Read([0xA9, (byte)'!']).ShouldBe(Encoding.UTF8.GetBytes("É!"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Upper_converts_a_four_byte_character_split_anywhere(int split)
    {
        byte[] input = Encoding.UTF8.GetBytes("𐐨");

        Upper(input[..split], input[split..]).ShouldBe(Encoding.UTF8.GetBytes("𐐀"));
    }

    [Fact]
    public void Upper_gives_the_same_bytes_however_the_input_is_split()
    {
        byte[] input = [.. Encoding.UTF8.GetBytes("aé€𐐨ıɐ"), 0xFF, 0xE2, 0x82, (byte)'x', 0xF0, 0x90, (byte)'y', 0xC3];
        byte[] expected = [.. Encoding.UTF8.GetBytes("AÉ€𐐀IⱯ"), 0xFF, 0xE2, 0x82, (byte)'X', 0xF0, 0x90, (byte)'Y', 0xC3];

        Upper(input).ShouldBe(expected);
        for (int first = 0; first <= input.Length; first++)
        {
            for (int second = first; second <= input.Length; second++)
            {
                Upper(input[..first], input[first..second], input[second..]).ShouldBe(expected, $"split at {first} and {second}");
            }
        }
    }

    [Fact]
    public void Upper_handles_one_byte_per_read()
    {
        byte[] input = Encoding.UTF8.GetBytes("grüße, ɐ 𐐨!");

        Upper([.. input.Select(b => new[] { b })]).ShouldBe(Encoding.UTF8.GetBytes("GRÜßE, Ɐ 𐐀!"));
    }

    [Fact]
    public void Upper_holds_an_incomplete_character_until_the_end()
    {
        var stream = new CarriedText();

        stream.Read([(byte)'a', 0xF0, 0x90, 0x90]).ShouldBe([(byte)'A']);
        stream.End().ShouldBe([0xF0, 0x90, 0x90]);
    }

    [Fact]
    public void Upper_releases_held_bytes_unchanged_when_the_next_read_does_not_continue_them()
    {
        var stream = new CarriedText();

        stream.Read([0xE2, 0x82]).ShouldBeEmpty();
        stream.Read("a"u8.ToArray()).ShouldBe([0xE2, 0x82, (byte)'A']);
    }

    [Fact]
    public void Upper_keeps_holding_across_an_empty_read()
    {
        var stream = new CarriedText();

        stream.Read([0xC3]).ShouldBeEmpty();
        stream.Read([]).ShouldBeEmpty();
        stream.Read([0xA9]).ShouldBe(Encoding.UTF8.GetBytes("É"));
    }

    [Fact]
    public void An_unfinished_character_at_the_end_of_whole_text_goes_out_unchanged()
    {
        Upper([(byte)'b', 0xC3]).ShouldBe([(byte)'B', 0xC3]);
    }

    [Fact]
    public void Upper_converts_a_large_mixed_read()
    {
        string text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog — ça, naïve, straße, ωμέγα. ", 1000));

        Upper(Encoding.UTF8.GetBytes(text)).ShouldBe(Encoding.UTF8.GetBytes(text.ToUpperInvariant()));
    }

    private static byte[] Upper(params byte[][] reads)
    {
        var stream = new CarriedText();
        byte[] output = [.. reads.SelectMany(stream.Read)];
        return [.. output, .. stream.End()];
    }

    /// <summary>A stream read in pieces, as the responder host reads it: Utf8Carry holds a cut character back.</summary>
    private sealed class CarriedText
    {
        private readonly Utf8Carry _carry = new();

        public byte[] Read(byte[] read)
        {
            var buffer = new byte[3 + read.Length];
            int carried = _carry.Prepend(buffer);
            read.CopyTo(buffer, carried);
            ReadOnlySpan<byte> data = buffer.AsSpan(0, carried + read.Length);
            return Upper(data[.._carry.Complete(data)]);
        }

        public byte[] End()
        {
            var buffer = new byte[3];
            return Upper(buffer.AsSpan(0, _carry.Prepend(buffer)));
        }

        private static byte[] Upper(ReadOnlySpan<byte> text)
        {
            var output = new ArrayBufferWriter<byte>();
            Utf8UpperCaser.ToUpper(text, output);
            return output.WrittenSpan.ToArray();
        }
    }
}
