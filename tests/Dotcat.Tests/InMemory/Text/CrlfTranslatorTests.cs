using System.Text;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class CrlfTranslatorTests
{
    [Theory]
    [InlineData("a\nb\r\nc\n", "a\r\nb\r\nc\r\n")]
    [InlineData("\n", "\r\n")]
    [InlineData("\n\n", "\r\n\r\n")]
    [InlineData("\r\n\r\n", "\r\n\r\n")]
    [InlineData("\r", "\r")]
    [InlineData("a\rb", "a\rb")]
    [InlineData("\r\r\n", "\r\r\n")]
    [InlineData("\n\r", "\r\n\r")]
    [InlineData("\r\n\n", "\r\n\r\n")]
    [InlineData("no line end", "no line end")]
    [InlineData("", "")]
    public void Translate_gives_every_lf_a_cr_once(string input, string expected)
    {
        Translate(input).ShouldBe(expected);
    }

    [Fact]
    public void Translate_gives_the_same_result_however_the_input_is_split()
    {
        const string input = "a\nb\r\nc\n\r\r\n\n\rx\r";
        const string expected = "a\r\nb\r\nc\r\n\r\r\n\r\n\rx\r";

        for (int first = 0; first <= input.Length; first++)
        {
            for (int second = first; second <= input.Length; second++)
            {
                Translate(input[..first], input[first..second], input[second..])
                    .ShouldBe(expected, $"split at {first} and {second}");
            }
        }
    }

    [Fact]
    public void Cr_at_the_end_of_one_read_and_lf_at_the_start_of_the_next_stay_crlf()
    {
        var translator = new CrlfTranslator();
        ReadOnlyMemory<byte> second = "\nb"u8.ToArray();

        Text(translator.Translate("a\r"u8.ToArray())).ShouldBe("a\r");
        translator.Translate(second).Equals(second).ShouldBeTrue();
    }

    [Fact]
    public void Lf_at_the_start_of_a_read_after_another_byte_gets_a_cr()
    {
        var translator = new CrlfTranslator();

        translator.Translate("a"u8.ToArray());

        Text(translator.Translate("\nb"u8.ToArray())).ShouldBe("\r\nb");
    }

    [Fact]
    public void An_empty_read_between_cr_and_lf_keeps_the_pair()
    {
        Translate("\r", "", "\n").ShouldBe("\r\n");
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("already\r\ncrlf\r\n")]
    [InlineData("lone\rcr")]
    public void Translate_returns_the_input_itself_when_nothing_changes(string text)
    {
        ReadOnlyMemory<byte> input = Encoding.ASCII.GetBytes(text);

        new CrlfTranslator().Translate(input).Equals(input).ShouldBeTrue();
    }

    [Fact]
    public void Translate_doubles_an_input_of_only_lfs()
    {
        var input = new byte[65536];
        Array.Fill(input, (byte)'\n');

        ReadOnlyMemory<byte> output = new CrlfTranslator().Translate(input);

        output.Length.ShouldBe(2 * input.Length);
        output.Span.IndexOfAnyExcept("\r\n"u8).ShouldBe(-1);
        output.Span.IndexOf("\n\n"u8).ShouldBe(-1);
        output.Span.IndexOf("\r\r"u8).ShouldBe(-1);
    }

    [Fact]
    public void Translate_leaves_other_bytes_untouched()
    {
        byte[] input = [0x00, 0xFF, 0x0A, 0x80, 0x0D, 0x0A, 0x0B];

        new CrlfTranslator().Translate(input).ToArray().ShouldBe([0x00, 0xFF, 0x0D, 0x0A, 0x80, 0x0D, 0x0A, 0x0B]);
    }

    private static string Translate(params string[] reads)
    {
        var translator = new CrlfTranslator();
        var output = new StringBuilder();
        foreach (string read in reads)
        {
            output.Append(Text(translator.Translate(Encoding.ASCII.GetBytes(read))));
        }

        return output.ToString();
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.ASCII.GetString(bytes.Span);
}
