using System.Buffers;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Responders;
using Dotcat.Tests.Support;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Responders;

/// <summary>The host's framing and its rules (lines, UTF-8 text, speaking first, closing after the first answer), over streams and datagrams.</summary>
public class ResponderHostTests
{
    private static ResponderHost Host(Responder responder) => new(responder, Log.Null);

    private static ResponderHost Host(string name) => Host(ResponderCatalog.Find(name, new ResponderSettings())!);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Datagram(ResponderHost host, string request)
    {
        var reply = new ArrayBufferWriter<byte>();
        host.AnswerDatagram(Bytes(request), reply).ShouldBeTrue();
        return Encoding.UTF8.GetString(reply.WrittenSpan);
    }

    [Fact]
    public async Task A_line_is_answered_once_whole_however_the_reads_cut_it_and_its_answer_is_a_line()
    {
        var peer = new FakeDuplex("ab", "c\r", "\nd", "e\nf");

        await Host(new LineEcho()).ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("abc\nde\nf\n");
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public void A_datagram_to_a_line_responder_is_one_line_and_its_answer_is_the_bare_text()
    {
        Datagram(Host(new LineEcho()), "abc\r\n").ShouldBe("abc");
        Datagram(Host("time"), "%%\n").ShouldBe("%");
    }

    [Fact]
    public async Task A_responder_that_closes_after_its_first_answer_half_closes_then_and_reads_no_more()
    {
        var peer = new FakeDuplex("first", "second");

        await Host(new AnswerOnce()).ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("<first>");
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Upper_converts_a_four_byte_character_that_arrives_one_byte_per_read()
    {
        byte[] deseret = Bytes("𐐨");
        var peer = new FakeDuplex([.. deseret.Select(b => new[] { b }), Bytes("!")]);

        await Host("upper").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldBe("𐐀!");
    }

    [Fact]
    public void Upper_answers_a_datagram_whole_leaving_an_unfinished_character_at_its_end_unchanged()
    {
        var reply = new ArrayBufferWriter<byte>();

        Host("upper").AnswerDatagram([(byte)'a', 0xE2, 0x82], reply).ShouldBeTrue();

        reply.WrittenSpan.ToArray().ShouldBe([(byte)'A', 0xE2, 0x82]);
    }

    [Fact]
    public void Echo_answers_a_datagram_with_itself_even_an_empty_one()
    {
        Datagram(Host("echo"), "héllo").ShouldBe("héllo");
        Datagram(Host("echo"), "").ShouldBe("");
    }

    [Fact]
    public void Chargen_datagrams_follow_the_pattern_line_by_line_and_wrap_after_95_lines()
    {
        ResponderHost chargen = Host("chargen");

        string[] lines = [.. Enumerable.Range(0, 97).Select(_ => Datagram(chargen, "x"))];

        lines[0].ShouldBe(Encoding.ASCII.GetString(Chargen.Line(0)));
        lines[94].ShouldBe(Encoding.ASCII.GetString(Chargen.Line(94)));
        lines[95].ShouldBe(lines[0]);
        lines[96].ShouldBe(lines[1]);
    }

    [Fact]
    public async Task Chargen_drops_what_the_client_sends_and_answers_none_of_it()
    {
        var peer = new FakeDuplex([Bytes("abc"), Bytes("def")], leaveAfterWrites: 2);

        await Host("chargen").ConverseAsync(peer, CancellationToken.None);

        var expected = new byte[peer.Written.Length];
        new Chargen().Fill(expected);
        peer.Written.ShouldBe(expected);
    }

    [Fact]
    public async Task Daytime_speaks_first_even_when_the_client_has_sent_something()
    {
        var peer = new FakeDuplex("hello\n");

        await Host("daytime").ConverseAsync(peer, CancellationToken.None);

        peer.WrittenText.ShouldEndWith("\r\n");
        peer.WrittenText.Count(c => c == '\n').ShouldBe(1);
        peer.WritesCompleted.ShouldBeTrue();
    }

    [Fact]
    public void Daytime_answers_every_datagram_with_its_line()
    {
        ResponderHost daytime = Host("daytime");

        Datagram(daytime, "a").ShouldEndWith("\r\n");
        Datagram(daytime, "b").ShouldEndWith("\r\n");
    }

    // Answers each line with its own text.
    private sealed class LineEcho : Responder
    {
        public override string Name => "line-echo";
        public override ResponderKind Kind => ResponderKind.Echo;
        public override string Summary => "";
        public override Requests Requests => Requests.Lines;

        public override AnswerIs Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply) => AnswerIs.TheRequest;
    }

    // Answers one chunk in brackets, then is done.
    private sealed class AnswerOnce : Responder
    {
        public override string Name => "once";
        public override ResponderKind Kind => ResponderKind.Echo;
        public override string Summary => "";
        public override bool ClosesAfterFirstAnswer => true;

        public override AnswerIs Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
        {
            reply.Write("<"u8);
            reply.Write(request);
            reply.Write(">"u8);
            return AnswerIs.Written;
        }
    }
}
