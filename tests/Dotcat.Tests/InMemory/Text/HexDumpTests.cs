using System.Text;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class HexDumpTests
{
    [Fact]
    public void Format_writes_a_partial_line_like_hexdump_c()
    {
        new HexDump().Format('>', "hello world\n"u8)
            .ShouldBe("> 00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |hello world.|\n");
    }

    // Expected lines from `printf 'hello world\nabcdXYZ\x00\x01\xff~ ' | hexdump -C`, with the direction mark added.
    [Fact]
    public void Format_writes_full_and_short_lines_like_hexdump_c()
    {
        byte[] block = [.. "hello world\nabcdXYZ"u8, 0x00, 0x01, 0xFF, (byte)'~', (byte)' '];

        new HexDump().Format('<', block).ShouldBe(
            "< 00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 61 62 63 64  |hello world.abcd|\n" +
            "< 00000010  58 59 5a 00 01 ff 7e 20                           |XYZ...~ |\n");
    }

    [Fact]
    public void Format_keeps_a_running_offset_per_direction()
    {
        var dump = new HexDump();

        dump.Format(HexDump.Sent, "abcde"u8).ShouldStartWith("> 00000000 ");
        dump.Format(HexDump.Received, "xyz"u8).ShouldStartWith("< 00000000 ");
        dump.Format(HexDump.Sent, "fg"u8).ShouldBe("> 00000005  66 67                                             |fg|\n");
        dump.Format(HexDump.Received, "z"u8).ShouldStartWith("< 00000003 ");
    }

    [Fact]
    public void Format_splits_a_block_into_lines_of_16_bytes()
    {
        byte[] block = Encoding.ASCII.GetBytes(new string('a', 40));

        string[] lines = new HexDump().Format('>', block).Split('\n');

        lines.Length.ShouldBe(4);
        lines[0].ShouldStartWith("> 00000000  61 61");
        lines[1].ShouldStartWith("> 00000010  61 61");
        lines[2].ShouldBe("> 00000020  61 61 61 61 61 61 61 61                           |aaaaaaaa|");
        lines[3].ShouldBeEmpty();
    }

    [Fact]
    public void Every_line_puts_the_ascii_column_in_the_same_place()
    {
        var dump = new HexDump();

        for (int length = 1; length <= 16; length++)
        {
            string line = dump.Format('>', new byte[length]);
            line.IndexOf('|', StringComparison.Ordinal).ShouldBe(62, $"block of {length}");
            line.Length.ShouldBe(62 + length + 3, $"block of {length}");
        }
    }

    [Fact]
    public void Format_shows_only_printable_ascii_in_the_text_column()
    {
        byte[] block = [0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0xFF, 0x0A];

        new HexDump().Format('>', block).ShouldEndWith("|. A~....|\n");
    }

    [Fact]
    public void Format_of_an_empty_block_is_empty_and_keeps_the_offset()
    {
        var dump = new HexDump();

        dump.Format('>', []).ShouldBeEmpty();
        dump.Format('>', "a"u8).ShouldStartWith("> 00000000 ");
    }

    [Fact]
    public void Format_rejects_an_unknown_direction()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new HexDump().Format('x', "a"u8.ToArray()));
    }
}
