using System.Buffers;
using Dotcat.Model;

namespace Dotcat.Responders;

/// <summary>What a responder needs from the command line and the world (the clock, so tests can fix it).</summary>
internal sealed record ResponderSettings
{
    /// <summary><c>--time-format</c>: the <c>time</c> responder's answer to an empty request.</summary>
    public string TimeFormat { get; init; } = Text.Strftime.DefaultFormat;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>How a stream client's bytes are cut into requests (a datagram is always one whole request).</summary>
internal enum Requests
{
    /// <summary>Each read as it came.</summary>
    Chunks,

    /// <summary>Each read, less the first bytes of a UTF-8 character it cut in two: they wait for the next read.</summary>
    Text,

    /// <summary>Each line without its line end; a line longer than 4 KiB is answered in pieces.</summary>
    Lines,
}

/// <summary>What <see cref="Responder.Answer"/> produced.</summary>
internal enum AnswerIs
{
    Nothing,

    /// <summary>The bytes written to the reply.</summary>
    Written,

    /// <summary>The request itself, unchanged: the host sends the bytes it read without copying them.</summary>
    TheRequest,
}

/// <summary>
/// A built-in service that answers clients by itself (SPEC section 5), as a transform: what it answers to a request,
/// what it says unasked. <see cref="ResponderHost"/> does all the reading, writing and framing, over streams and
/// datagrams alike, so a responder holds no per-client state and one instance serves a whole listener.
/// </summary>
internal abstract class Responder
{
    public abstract string Name { get; }

    public abstract ResponderKind Kind { get; }

    /// <summary>Other names accepted by <c>--respond</c>.</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>One line for <c>--help</c> and shell completions.</summary>
    public abstract string Summary { get; }

    public virtual Requests Requests => Requests.Chunks;

    /// <summary>
    /// True when it talks before the client does (<see cref="Speak"/>) instead of answering requests. One that does
    /// not close after its first answer keeps talking until the client leaves; what the client sends is dropped.
    /// </summary>
    public virtual bool SpeaksFirst => false;

    /// <summary>True when the conversation ends (a half-close) once the first answer is sent.</summary>
    public virtual bool ClosesAfterFirstAnswer => false;

    /// <summary>The answer to one request: a read, a line without its end, or a datagram.</summary>
    public virtual AnswerIs Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply) => AnswerIs.Nothing;

    /// <summary>
    /// What a responder that speaks first says next, having said <paramref name="said"/> bytes so far to this client
    /// (or this datagram port): whole pieces filling about <paramref name="size"/> bytes, at least one piece (what a
    /// datagram carries when <paramref name="size"/> is 0). Returns the number of bytes written.
    /// </summary>
    public virtual int Speak(long said, int size, IBufferWriter<byte> reply) => 0;
}
