using System.Text;
using Dotcat.Broker;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Broker;

public class ChatTextTests
{
    private static string Message(int user, byte[] data) => Encoding.UTF8.GetString(ChatText.Message(user, data));

    [Fact]
    public void A_message_gets_the_senders_name()
    {
        Message(5, "hi\n"u8.ToArray()).ShouldBe("<user5> hi\n");
    }

    [Fact]
    public void Control_characters_are_escaped_in_octal_like_ncat()
    {
        Message(5, "hi\x01there\e[2J\x7f\n"u8.ToArray()).ShouldBe("<user5> hi\\001there\\033[2J\\177\n");
    }

    [Fact]
    public void Tabs_line_ends_and_unicode_text_pass_unchanged()
    {
        Message(2, "a\tb wörld ✓\r\n"u8.ToArray()).ShouldBe("<user2> a\tb wörld ✓\r\n");
    }

    [Fact]
    public void Invalid_utf8_and_c1_controls_are_escaped()
    {
        Message(1, [0xFF, (byte)'x', 0xC2, 0x9B]).ShouldBe("<user1> \\377x\\302\\233");
    }

    [Fact]
    public void Every_line_of_a_chunk_gets_the_name()
    {
        Message(3, "one\ntwo\nthree"u8.ToArray()).ShouldBe("<user3> one\n<user3> two\n<user3> three");
    }

    [Fact]
    public void Announcements_follow_ncats_wording()
    {
        Encoding.UTF8.GetString(ChatText.Joined("127.0.0.1", 5, [])).ShouldBe(
            "<announce> 127.0.0.1 is connected as <user5>.\n<announce> already connected: nobody.\n");
        Encoding.UTF8.GetString(ChatText.Joined("::1", 3, [("127.0.0.1", 1), ("::1", 2)])).ShouldBe(
            "<announce> ::1 is connected as <user3>.\n<announce> already connected: 127.0.0.1 as <user1>, ::1 as <user2>.\n");
        Encoding.UTF8.GetString(ChatText.Left(5)).ShouldBe("<announce> <user5> is disconnected.\n");
    }

    [Theory]
    [InlineData(new byte[] { (byte)'w', 0xC3 }, 1)]              // ö cut after its first byte
    [InlineData(new byte[] { (byte)'w', 0xC3, 0xB6 }, 0)]        // ö whole
    [InlineData(new byte[] { 0xE2, 0x82 }, 2)]                   // € cut after two of its three bytes
    [InlineData(new byte[] { (byte)'a', 0x80 }, 0)]              // a stray continuation byte is not waited for
    [InlineData(new byte[] { 0xFF }, 0)]                         // nor an invalid byte
    [InlineData(new byte[0], 0)]
    public void An_unfinished_character_at_the_end_waits_for_the_next_read(byte[] data, int waiting) =>
        Utf8Carry.UnfinishedTail(data).ShouldBe(waiting);
}
