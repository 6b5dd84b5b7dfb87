using System.Buffers;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Responders;
using Dotcat.Tests.Support;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Responders;

public class ResponderTests
{
    // Saturday 21 November 2026, 17:05:09 in a fixed UTC+1 zone called CET.
    private static readonly TimeZoneInfo Cet = TimeZoneInfo.CreateCustomTimeZone("Test/CET", TimeSpan.FromHours(1), "CET", "CET");
    private static readonly ResponderSettings Settings = new()
    {
        Clock = new FixedClock(new DateTimeOffset(2026, 11, 21, 17, 5, 9, TimeSpan.FromHours(1)), Cet),
    };

    private static ResponderHost Get(string name) => new(ResponderCatalog.Find(name, Settings)!, Log.Null);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Catalog_lists_every_responder_and_alias_for_the_command_line()
    {
        ResponderCatalog.Names.ShouldBe(["echo", "upper", "uppercase", "time", "discard", "chargen", "daytime"], ignoreOrder: true);
        ResponderCatalog.Find("uppercase", Settings)!.Name.ShouldBe("upper");
        ResponderCatalog.Find("nosuch", Settings).ShouldBeNull();
        ResponderCatalog.Describe().ShouldContain("upper|uppercase: ");
    }

    [Fact]
    public async Task Echo_sends_back_every_byte_then_half_closes()
    {
        byte[][] chunks = [[0, 1, 2, 255], Bytes("héllo\r\n"), [.. Enumerable.Range(0, 256).Select(i => (byte)i)]];
        var peer = new FakeDuplex(chunks);

        await Get("echo").ConverseAsync(peer, CancellationToken.None);

        peer.Written.ShouldBe(chunks.SelectMany(c => c).ToArray());
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Upper_converts_unicode_text_and_leaves_invalid_bytes_alone()
    {
        var peer = new FakeDuplex([Bytes("héllo wörld "), [0xFF, (byte)'a', 0xC3]]);

        await Get("upper").ConverseAsync(peer, CancellationToken.None);

        // 0xC3 alone at EOF never completes, so it goes back unchanged.
        peer.Written.ShouldBe([.. Bytes("HÉLLO WÖRLD "), 0xFF, (byte)'A', 0xC3]);
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Upper_converts_a_character_whose_bytes_arrive_in_two_reads()
    {
        byte[] e = Bytes("é"); // C3 A9
        var peer = new FakeDuplex([[(byte)'x', e[0]], [e[1], (byte)'y']]);

        await Get("uppercase").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("XÉY");
    }

    [Fact]
    public async Task Time_answers_each_line_in_its_format_with_a_newline()
    {
        var peer = new FakeDuplex("%H:%M\n%A %Z\r\n", "%Y", "-%m\n");

        await Get("time").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("17:05\nSaturday CET\n2026-11\n");
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Time_answers_an_empty_line_in_the_default_format_and_a_last_unfinished_line_too()
    {
        var peer = new FakeDuplex("\n\r\n%S");

        await Get("time").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("2026-11-21 17:05:09\n2026-11-21 17:05:09\n09\n");
    }

    [Fact]
    public async Task Time_uses_the_time_format_option_for_empty_requests()
    {
        var peer = new FakeDuplex("\n");
        var time = new ResponderHost(ResponderCatalog.Find("time", Settings with { TimeFormat = "%H.%M.%S" })!, Log.Null);

        await time.ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("17.05.09\n");
    }

    [Fact]
    public async Task Time_answers_an_endless_line_in_pieces_instead_of_holding_it()
    {
        var peer = new FakeDuplex(new string('x', 10_000));

        await Get("time").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.Count(c => c == '\n').ShouldBe(3);
        peer.WrittenText.Replace("\n", "", StringComparison.Ordinal).ShouldBe(new string('x', 10_000));
    }

    [Fact]
    public async Task Discard_reads_everything_and_answers_nothing()
    {
        var peer = new FakeDuplex("a", "b", "c");

        await Get("discard").ConverseAsync(peer, CancellationToken.None);

        peer.Written.ShouldBeEmpty();
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Daytime_sends_one_readable_line_then_half_closes()
    {
        var peer = new FakeDuplex();

        await Get("daytime").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("Saturday, November 21, 2026 17:05:09-CET\r\n");
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Chargen_streams_the_pattern_until_the_client_leaves_and_then_ends_quietly()
    {
        var peer = new FakeDuplex([], leaveAfterWrites: 3);

        await Get("chargen").ConverseAsync(peer, CancellationToken.None);

        peer.Writes.ShouldBe(3);
        var expected = new byte[peer.Written.Length];
        new Chargen().Fill(expected);
        peer.Written.ShouldBe(expected);
        peer.Written.Length.ShouldBeGreaterThan(Chargen.LineLength * 95);
    }

    [Theory]
    [InlineData("echo", "héllo\n", "héllo\n")]
    [InlineData("upper", "héllo wörld", "HÉLLO WÖRLD")]
    [InlineData("time", "%H:%M", "17:05")]
    [InlineData("time", "%H:%M\n", "17:05")]
    [InlineData("time", "", "2026-11-21 17:05:09")]
    [InlineData("daytime", "", "Saturday, November 21, 2026 17:05:09-CET\r\n")]
    public void Datagram_answers_are_the_bare_reply(string name, string request, string reply)
    {
        var output = new ArrayBufferWriter<byte>();

        Get(name).AnswerDatagram(Bytes(request), output).ShouldBeTrue();

        Encoding.UTF8.GetString(output.WrittenSpan).ShouldBe(reply);
    }

    [Fact]
    public void Discard_answers_no_datagram()
    {
        Get("discard").AnswerDatagram(Bytes("x"), new ArrayBufferWriter<byte>()).ShouldBeFalse();
    }

    [Fact]
    public void Chargen_answers_each_datagram_with_the_next_line()
    {
        ResponderHost chargen = Get("chargen");
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        chargen.AnswerDatagram([], first);
        chargen.AnswerDatagram([], second);

        first.WrittenSpan.ToArray().ShouldBe(Chargen.Line(0));
        second.WrittenSpan.ToArray().ShouldBe(Chargen.Line(1));
    }
}
