using System.Text;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class ChargenTests
{
    private const int CycleLength = 95 * 74;

    [Theory]
    [InlineData(0, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n")]
    [InlineData(1, "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n")]
    [InlineData(33, "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ !\"#$%&'()\r\n")]
    [InlineData(94, "~ !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdef\r\n")]
    [InlineData(95, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n")]
    public void Line_is_72_characters_from_index_mod_95_then_crlf(int index, string expected)
    {
        Encoding.ASCII.GetString(Chargen.Line(index)).ShouldBe(expected);
    }

    [Fact]
    public void Line_wraps_for_the_largest_index()
    {
        Chargen.Line(int.MaxValue).ShouldBe(Chargen.Line(int.MaxValue % 95));
    }

    [Fact]
    public void Line_rejects_a_negative_index()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Chargen.Line(-1));
    }

    [Fact]
    public void Line_returns_a_fresh_array_each_time()
    {
        byte[] first = Chargen.Line(0);
        first[0] = (byte)'X';

        Chargen.Line(0)[0].ShouldBe((byte)' ');
    }

    [Fact]
    public void Fill_streams_the_lines_in_order_past_a_whole_cycle()
    {
        var buffer = new byte[(3 * CycleLength) + 100];

        new Chargen().Fill(buffer);

        buffer.ShouldBe(ExpectedStream(buffer.Length));
    }

    [Fact]
    public void Fill_continues_where_the_previous_call_stopped()
    {
        int[] sizes = [1, 7, 73, 74, 1000, CycleLength, CycleLength + 1, 65536];
        var chargen = new Chargen();
        var stream = new List<byte>();

        foreach (int size in sizes)
        {
            var buffer = new byte[size];
            chargen.Fill(buffer);
            stream.AddRange(buffer);
        }

        stream.ToArray().ShouldBe(ExpectedStream(sizes.Sum()));
    }

    [Fact]
    public void Fill_with_an_empty_buffer_changes_nothing()
    {
        var chargen = new Chargen();
        var buffer = new byte[74];

        chargen.Fill([]);
        chargen.Fill(buffer);

        buffer.ShouldBe(Chargen.Line(0));
    }

    [Fact]
    public void Each_generator_starts_at_line_zero()
    {
        var first = new Chargen();
        first.Fill(new byte[100]);
        var buffer = new byte[74];

        new Chargen().Fill(buffer);

        buffer.ShouldBe(Chargen.Line(0));
    }

    private static byte[] ExpectedStream(int length)
    {
        var expected = new List<byte>(length + 74);
        for (int line = 0; expected.Count < length; line++)
        {
            for (int column = 0; column < 72; column++)
            {
                expected.Add((byte)(0x20 + ((line + column) % 95)));
            }

            expected.Add((byte)'\r');
            expected.Add((byte)'\n');
        }

        return [.. expected.Take(length)];
    }
}
