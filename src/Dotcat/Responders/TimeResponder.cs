using System.Buffers;
using System.Text;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Responders;

/// <summary>
/// Each request line (TCP) or datagram (UDP) is a strftime format; the answer is the local time in it, or in
/// <c>--time-format</c> when the request is empty. TCP answers end with a newline, datagrams carry the bare text.
/// </summary>
internal sealed class TimeResponder(ResponderSettings settings) : Responder
{
    /// <summary>A request line longer than this is answered as it stands, so a client without newlines cannot grow memory.</summary>
    private const int MaxLineLength = 4096;

    public override string Name => "time";
    public override ResponderKind Kind => ResponderKind.Time;
    public override string Summary => "answers each line, a strftime format, with the local time (default --time-format)";

    public override async Task ServeAsync(Duplex peer, CancellationToken cancellationToken)
    {
        var conversation = new Conversation(this, peer);
        await ReadChunksAsync(peer, conversation, static (c, chunk, ct) => c.AnswerLinesAsync(chunk, ct), cancellationToken);
        await conversation.FinishAsync(cancellationToken);
        await peer.CompleteWritesAsync();
    }

    public override bool Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        // `echo %H | dotcat -u` sends the newline too; it is not part of the format.
        Encoding.UTF8.GetBytes(Now(TrimLineEnd(request)), reply);
        return true;
    }

    /// <summary>The current local time in <paramref name="format"/> (the default format when it is empty).</summary>
    private string Now(ReadOnlySpan<byte> format)
    {
        DateTimeOffset now = settings.Clock.GetLocalNow();
        string zone = Strftime.LocalZoneName(settings.Clock.LocalTimeZone, now);
        return Strftime.Format(format.IsEmpty ? settings.TimeFormat : Encoding.UTF8.GetString(format), now, zone);
    }

    private static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\n"u8))
            line = line[..^1];
        return line.EndsWith("\r"u8) ? line[..^1] : line;
    }

    private sealed class Conversation(TimeResponder responder, Duplex peer)
    {
        // The unfinished line so far; empty (and holding no array) between lines.
        private byte[] _partial = [];
        private int _partialLength;

        public async ValueTask AnswerLinesAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            using var replies = new PooledBufferWriter();
            while (!chunk.IsEmpty)
            {
                int room = Math.Min(chunk.Length, MaxLineLength - _partialLength);
                int newline = chunk.Span[..room].IndexOf((byte)'\n');
                int take = newline < 0 ? room : newline + 1;
                Hold(chunk.Span[..take]);
                chunk = chunk[take..];
                if (newline >= 0 || _partialLength >= MaxLineLength)
                    AnswerHeldLine(replies);
            }
            if (replies.WrittenCount > 0)
                await peer.WriteAsync(replies.WrittenMemory, cancellationToken);
        }

        /// <summary>At EOF, a last line without its newline is still a request.</summary>
        public async ValueTask FinishAsync(CancellationToken cancellationToken)
        {
            if (_partialLength == 0)
                return;
            using var replies = new PooledBufferWriter();
            AnswerHeldLine(replies);
            await peer.WriteAsync(replies.WrittenMemory, cancellationToken);
        }

        private void Hold(ReadOnlySpan<byte> bytes)
        {
            if (_partialLength + bytes.Length > _partial.Length)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(_partialLength + bytes.Length);
                _partial.AsSpan(0, _partialLength).CopyTo(larger);
                Release();
                _partial = larger;
            }
            bytes.CopyTo(_partial.AsSpan(_partialLength));
            _partialLength += bytes.Length;
        }

        private void AnswerHeldLine(IBufferWriter<byte> replies)
        {
            Encoding.UTF8.GetBytes(responder.Now(TrimLineEnd(_partial.AsSpan(0, _partialLength))), replies);
            replies.Write("\n"u8);
            _partialLength = 0;
            Release();
            _partial = [];
        }

        private void Release()
        {
            if (_partial.Length > 0)
                ArrayPool<byte>.Shared.Return(_partial);
        }
    }
}
