using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Text;
using Dotcat.Transports;

namespace Dotcat.Responders;

/// <summary>
/// Runs one responder for a whole listener, and is the only place that reads, frames and writes for responders: each
/// stream connection is a conversation of its own, and over datagrams each datagram is one whole request, answered
/// to its own sender, whoever that is.
/// </summary>
internal sealed class ResponderHost(Responder responder, Log log)
{
    /// <summary>Bytes borrowed per read. Buffers come from the pool only while data flows, never while a client idles.</summary>
    private const int ChunkSize = 16 * 1024;

    // What a responder that speaks first has said to datagrams so far (chargen's place in its pattern).
    private long _saidToDatagrams;

    /// <summary>Must run before the listener's first socket call (see <see cref="InlineSocketCompletions"/>).</summary>
    public static void Prepare() => InlineSocketCompletions.Enable();

    /// <summary>
    /// A conversation with one client, ended at <c>-v</c> by its summary line; a client that resets or vanishes ends
    /// only its own.
    /// </summary>
    public async Task ServeAsync(Connection connection, CancellationToken cancellationToken)
    {
        await using (connection)
        {
            long started = Stopwatch.GetTimestamp();
            using var conversation = new Conversation(responder, connection.Duplex);
            try
            {
                await conversation.RunAsync(cancellationToken);
            }
            catch (SocketException e)
            {
                log.Info($"{connection.Peer}: {SocketErrors.Describe(e.SocketErrorCode)}");
            }
            if (log.IsVerbose)
                log.Info(PeerRelay.Summary(conversation.Sent, conversation.Received, Stopwatch.GetElapsedTime(started)));
        }
    }

    /// <summary>A conversation with <paramref name="peer"/>, without the connection around it.</summary>
    public async Task ConverseAsync(Duplex peer, CancellationToken cancellationToken)
    {
        using var conversation = new Conversation(responder, peer);
        await conversation.RunAsync(cancellationToken);
    }

    /// <summary>Answers every datagram to its sender; runs until cancelled.</summary>
    public async Task AnswerDatagramsAsync(DatagramPort port, CancellationToken cancellationToken)
    {
        // The largest UDP payload; a bigger Unix datagram is truncated to it.
        var request = new byte[Datagrams.MaxUdp];
        using var reply = new PooledBufferWriter();
        var unanswered = new Unanswered(log);
        try
        {
            while (true)
            {
                (int length, EndPoint from) = await port.ReceiveAsync(request, cancellationToken);
                if (log.Verbosity >= 2)
                    log.Info($"datagram from {Endpoints.Format(from)}", level: 2);
                reply.Clear();
                if (!AnswerDatagram(request.AsSpan(0, length), reply))
                    continue;
                if (await port.ReplyAsync(reply.WrittenMemory, from, cancellationToken) is { } problem)
                    unanswered.Add(from, problem);
            }
        }
        finally
        {
            unanswered.ReportRest();
        }
    }

    /// <summary>
    /// The answer to one datagram, written to <paramref name="reply"/>; false when there is none. For a responder
    /// that speaks first, a datagram asks for the next piece of what it says.
    /// </summary>
    public bool AnswerDatagram(ReadOnlySpan<byte> request, IBufferWriter<byte> reply)
    {
        if (responder.SpeaksFirst)
        {
            _saidToDatagrams += responder.Speak(_saidToDatagrams, 0, reply);
            return true;
        }
        // `echo %H | dotcat -u` sends the newline too; it is not part of a line's request.
        if (responder.Requests == Requests.Lines)
            request = LineSplitter.WithoutLineEnd(request);
        switch (responder.Answer(request, reply))
        {
            case AnswerIs.TheRequest:
                reply.Write(request);
                return true;
            case AnswerIs.Written:
                return true;
            default:
                return false;
        }
    }

    /// <summary>One stream client: the responder's requests as it frames them, its answers, and the byte counts.</summary>
    private sealed class Conversation(Responder responder, Duplex peer) : IDisposable
    {
        private readonly Utf8Carry? _carry = responder.Requests == Requests.Text ? new() : null;
        private readonly LineSplitter? _lines = responder.Requests == Requests.Lines ? new() : null;

        // The answer being built; it holds an array only while one is.
        private readonly PooledBufferWriter _reply = new();

        public long Sent { get; private set; }

        public long Received { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            if (!responder.SpeaksFirst)
                await AnswerRequestsAsync(cancellationToken);
            else if (responder.ClosesAfterFirstAnswer)
                await SendAsync(responder.Speak(0, ChunkSize, _reply) > 0 ? _reply.WrittenMemory : default, cancellationToken);
            else
            {
                await SpeakUntilTheClientLeavesAsync(cancellationToken);
                return;
            }
            await peer.CompleteWritesAsync();
        }

        public void Dispose()
        {
            _reply.Dispose();
            _lines?.Release();
        }

        /// <summary>
        /// Waits for data without a buffer, reads, answers; returns at the client's EOF, or after the first answer
        /// when the responder closes then. A responder that speaks first answers nothing: its client's bytes are dropped.
        /// </summary>
        private async Task AnswerRequestsAsync(CancellationToken cancellationToken)
        {
            var fairness = new Fairness();
            while (true)
            {
                await fairness.YieldIfBusyAsync(peer.WaitForInputAsync(cancellationToken));
                byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    int carried = _carry?.Prepend(buffer) ?? 0;
                    int read = await peer.ReadAsync(buffer.AsMemory(carried), cancellationToken);
                    Received += read;
                    if (responder.SpeaksFirst)
                    {
                        if (read == 0)
                            return;
                        continue;
                    }
                    bool end = read == 0;
                    ReadOnlyMemory<byte> data = buffer.AsMemory(0, carried + read);
                    // At EOF the held bytes of an unfinished character can never complete: they are a request as they are.
                    if (_carry is not null && !end)
                        data = data[.._carry.Complete(data.Span)];
                    // Written here rather than through SendAsync: echo's hot path stays one async frame deep.
                    ReadOnlyMemory<byte> answer = AnswerTo(data, end);
                    if (!answer.IsEmpty)
                    {
                        await peer.WriteAsync(answer, cancellationToken);
                        Sent += answer.Length;
                    }
                    _reply.Release();
                    if (end || (!answer.IsEmpty && responder.ClosesAfterFirstAnswer))
                        return;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        /// <summary>The answer to what one read brought (and at EOF, to what was still held); empty when there is none.</summary>
        private ReadOnlyMemory<byte> AnswerTo(ReadOnlyMemory<byte> data, bool end)
        {
            if (_lines is null)
                return data.IsEmpty ? default : Answer(data);
            while (_lines.TryTake(ref data, out ReadOnlyMemory<byte> line))
                AnswerLine(line.Span);
            if (end && _lines.TryTakeRest(out ReadOnlyMemory<byte> rest))
                AnswerLine(rest.Span);
            return _reply.WrittenMemory;
        }

        private ReadOnlyMemory<byte> Answer(ReadOnlyMemory<byte> request) => responder.Answer(request.Span, _reply) switch
        {
            AnswerIs.TheRequest => request,
            AnswerIs.Written => _reply.WrittenMemory,
            _ => default,
        };

        // A line's answer is a line.
        private void AnswerLine(ReadOnlySpan<byte> line)
        {
            ReadOnlySpan<byte> request = LineSplitter.WithoutLineEnd(line);
            switch (responder.Answer(request, _reply))
            {
                case AnswerIs.Nothing:
                    return;
                case AnswerIs.TheRequest:
                    _reply.Write(request);
                    break;
            }
            _reply.Write("\n"u8);
        }

        private async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> answer, CancellationToken cancellationToken)
        {
            if (answer.IsEmpty)
                return false;
            await peer.WriteAsync(answer, cancellationToken);
            Sent += answer.Length;
            return true;
        }

        /// <summary>
        /// Speaks until the client leaves, which is the normal end of such a conversation, not an error; meanwhile its
        /// bytes are read and dropped, and a failed read (the client is gone) stops the speaking too.
        /// </summary>
        private async Task SpeakUntilTheClientLeavesAsync(CancellationToken cancellationToken)
        {
            using var left = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task dropping = DropRequestsAsync(left);
            try
            {
                var fairness = new Fairness();
                while (true)
                {
                    _reply.Clear();
                    responder.Speak(Sent, ChunkSize, _reply);
                    await fairness.YieldIfBusyAsync(peer.WriteAsync(_reply.WrittenMemory, left.Token));
                    Sent += _reply.WrittenCount;
                }
            }
            catch (SocketException)
            {
                // The client closed or reset the connection.
            }
            catch (OperationCanceledException) when (left.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The reading side saw the connection fail.
            }
            finally
            {
                await left.CancelAsync();
                await dropping;
            }
        }

        private async Task DropRequestsAsync(CancellationTokenSource left)
        {
            try
            {
                await AnswerRequestsAsync(left.Token);
            }
            catch (SocketException)
            {
                await left.CancelAsync();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Datagrams that could not be answered (a sender with no address, a reply too long): the first is one line, the
    /// rest are counted, a line per hundred and one for the remainder at the end, so a flood cannot flood stderr.
    /// </summary>
    private sealed class Unanswered(Log log)
    {
        private const int PerLine = 100;
        private bool _any;
        private int _notReported;
        private string _last = "";

        public void Add(EndPoint sender, string problem)
        {
            _last = $"{Endpoints.Format(sender)}: {problem}";
            if (!_any)
            {
                _any = true;
                log.Info($"cannot answer {_last}");
            }
            else if (++_notReported == PerLine)
            {
                ReportRest();
            }
        }

        public void ReportRest()
        {
            if (_notReported == 0)
                return;
            log.Info($"cannot answer {_notReported} more datagrams (the last: {_last})");
            _notReported = 0;
        }
    }
}
