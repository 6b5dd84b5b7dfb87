using System.Buffers;
using System.Runtime.CompilerServices;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Responders;

/// <summary>What a responder needs from the command line and the world (the clock, so tests can fix it).</summary>
internal sealed record ResponderSettings
{
    /// <summary><c>--time-format</c>: the <c>time</c> responder's answer to an empty request.</summary>
    public string TimeFormat { get; init; } = Text.Strftime.DefaultFormat;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// A built-in service that answers clients by itself (SPEC section 5), in two forms: a conversation with a stream
/// peer (TCP, Unix stream), and an answer to one datagram (UDP, Unix datagram). One instance serves a whole listener,
/// so per-connection state lives inside <see cref="ServeAsync"/>.
/// </summary>
internal abstract class Responder
{
    /// <summary>Bytes borrowed per read. Buffers come from the pool only while data flows, never while a client idles.</summary>
    protected const int ChunkSize = 16 * 1024;

    public abstract string Name { get; }

    public abstract ResponderKind Kind { get; }

    /// <summary>Other names accepted by <c>--respond</c>.</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>One line for <c>--help</c> and shell completions.</summary>
    public abstract string Summary { get; }

    /// <summary>Talks with one stream client until the conversation is over; the caller closes the connection.</summary>
    public abstract Task ServeAsync(Duplex peer, CancellationToken cancellationToken);

    /// <summary>The reply to one datagram, written to <paramref name="reply"/>; false when there is none.</summary>
    public abstract bool Answer(ReadOnlySpan<byte> request, IBufferWriter<byte> reply);

    /// <summary>
    /// The stream loop shared by responders that answer what they read: waits for data without a buffer, then hands
    /// each chunk to <paramref name="onChunk"/>; returns at the client's EOF.
    /// </summary>
    protected static async Task ReadChunksAsync<TState>(
        Duplex peer, TState state, Func<TState, ReadOnlyMemory<byte>, CancellationToken, ValueTask> onChunk, CancellationToken cancellationToken)
    {
        var fairness = new Fairness();
        while (true)
        {
            await fairness.YieldIfBusyAsync(peer.WaitForInputAsync(cancellationToken));
            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                int read = await peer.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                    return;
                await onChunk(state, buffer.AsMemory(0, read), cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>
/// Socket continuations of responders run on the runtime's few socket threads (<see cref="InlineSocketCompletions"/>).
/// A client that keeps data flowing could keep such a thread in one conversation's loop for as long as every call
/// completes at once, so after a run of such calls the loop steps aside once and lets the other clients in.
/// </summary>
internal sealed class Fairness
{
    private const int MaxSynchronousRun = 64;
    private int _run;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask YieldIfBusyAsync(ValueTask operation)
    {
        if (!operation.IsCompleted)
            _run = 0;
        else if (++_run == MaxSynchronousRun)
        {
            _run = 0;
            await Task.Yield();
        }
        await operation;
    }
}

/// <summary>Every responder, by name: what <c>--respond</c> accepts, lists and completes.</summary>
internal static class ResponderCatalog
{
    public static IReadOnlyList<Responder> Create(ResponderSettings settings) =>
    [
        new EchoResponder(),
        new UpperResponder(),
        new TimeResponder(settings),
        new DiscardResponder(),
        new ChargenResponder(),
        new DaytimeResponder(settings),
    ];

    /// <summary>Every name and alias, for <c>AcceptOnlyFromAmong</c> (which completions read).</summary>
    public static string[] Names { get; } =
        [.. Create(new ResponderSettings()).SelectMany(r => r.Aliases.Prepend(r.Name))];

    /// <summary>One line per responder for <c>--help</c>: <c>echo: sends back ...</c>.</summary>
    public static string Describe() => string.Join(
        Environment.NewLine,
        Create(new ResponderSettings()).Select(r => $"  {string.Join('|', r.Aliases.Prepend(r.Name))}: {r.Summary}"));

    /// <summary>The responder called <paramref name="name"/> (or one of its aliases); the parser accepts no other names.</summary>
    public static ResponderKind KindOf(string name) =>
        Find(name, new ResponderSettings())?.Kind ?? throw new UsageException($"unknown responder '{name}'");

    /// <summary>The responder called <paramref name="name"/> (or one of its aliases); null if there is none.</summary>
    public static Responder? Find(string name, ResponderSettings settings) =>
        Create(settings).FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal) || r.Aliases.Contains(name, StringComparer.Ordinal));

    /// <summary>The responder that does what <paramref name="kind"/> names.</summary>
    public static Responder For(ResponderKind kind, ResponderSettings settings) => Create(settings).First(r => r.Kind == kind);
}
