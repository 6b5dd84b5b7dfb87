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
        var caser = new Utf8UpperCaser();
        var output = new ArrayBufferWriter<byte>();

        caser.Transform([(byte)'h', 0xC3], output);
        output.WrittenSpan.ToArray().ShouldBe([(byte)'H']);

        caser.Transform([0xA9, (byte)'!'], output);
        output.WrittenSpan.ToArray().ShouldBe(Encoding.UTF8.GetBytes("HÉ!"));
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
    public void Upper_holds_an_incomplete_character_until_flush()
    {
        var caser = new Utf8UpperCaser();
        var output = new ArrayBufferWriter<byte>();

        caser.Transform([(byte)'a', 0xF0, 0x90, 0x90], output);
        output.WrittenSpan.ToArray().ShouldBe([(byte)'A']);

        caser.Flush(output);
        output.WrittenSpan.ToArray().ShouldBe([(byte)'A', 0xF0, 0x90, 0x90]);
    }

    [Fact]
    public void Upper_releases_held_bytes_unchanged_when_the_next_read_does_not_continue_them()
    {
        var caser = new Utf8UpperCaser();
        var output = new ArrayBufferWriter<byte>();

        caser.Transform([0xE2, 0x82], output);
        caser.Transform("a"u8, output);

        output.WrittenSpan.ToArray().ShouldBe([0xE2, 0x82, (byte)'A']);
    }

    [Fact]
    public void Upper_keeps_holding_across_an_empty_read()
    {
        var caser = new Utf8UpperCaser();
        var output = new ArrayBufferWriter<byte>();

        caser.Transform([0xC3], output);
        caser.Transform([], output);
        caser.Transform([0xA9], output);

        output.WrittenSpan.ToArray().ShouldBe(Encoding.UTF8.GetBytes("É"));
    }

    [Fact]
    public void Flush_without_held_bytes_writes_nothing_and_the_caser_continues()
    {
        var caser = new Utf8UpperCaser();
        var output = new ArrayBufferWriter<byte>();

        caser.Flush(output);
        caser.Transform([0xC3], output);
        caser.Flush(output);
        caser.Transform([0xA9, (byte)'b'], output);

        output.WrittenSpan.ToArray().ShouldBe([0xC3, 0xA9, (byte)'B']);
    }

    [Fact]
    public void Upper_converts_a_large_mixed_read()
    {
        string text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog — ça, naïve, straße, ωμέγα. ", 1000));

        Upper(Encoding.UTF8.GetBytes(text)).ShouldBe(Encoding.UTF8.GetBytes(text.ToUpperInvariant()));
    }

    private static byte[] Upper(params byte[][] reads)
    {
        var caser = new Utf8UpperCaser();
        var output = new ArrayBufferWriter<byte>();
        foreach (byte[] read in reads)
        {
            caser.Transform(read, output);
        }

        caser.Flush(output);
        return output.WrittenSpan.ToArray();
    }
}
