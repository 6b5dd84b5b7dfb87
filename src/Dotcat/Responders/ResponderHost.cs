using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Transports;

namespace Dotcat.Responders;

/// <summary>
/// Runs one responder for a whole listener: each stream connection is a conversation of its own, and over datagrams
/// each datagram is answered to its own sender, whoever that is.
/// </summary>
internal sealed class ResponderHost(Responder responder, Log log)
{
    /// <summary>Must run before the listener's first socket call (see <see cref="InlineSocketCompletions"/>).</summary>
    public static void Prepare() => InlineSocketCompletions.Enable();

    /// <summary>A conversation with one client; a client that resets or vanishes ends only its own.</summary>
    public async Task ServeAsync(Connection connection, CancellationToken cancellationToken)
    {
        await using (connection)
        {
            try
            {
                await responder.ServeAsync(connection.Duplex, cancellationToken);
            }
            catch (SocketException e)
            {
                log.Info($"{connection.Peer}: {SocketErrors.Describe(e.SocketErrorCode)}");
            }
        }
    }

    /// <summary>Every datagram is one whole request, so no per-peer state is kept; runs until cancelled.</summary>
    public async Task AnswerDatagramsAsync(DatagramPort port, CancellationToken cancellationToken)
    {
        // The largest UDP payload; a bigger Unix datagram is truncated to it.
        var request = new byte[Datagrams.MaxUdp];
        using var reply = new PooledBufferWriter();
        while (true)
        {
            (int length, EndPoint from) = await port.ReceiveAsync(request, cancellationToken);
            string sender = Endpoints.Format(from);
            log.Info($"datagram from {sender}", level: 2);
            reply.Clear();
            if (!responder.Answer(request.AsSpan(0, length), reply))
                continue;
            if (await port.ReplyAsync(reply.WrittenMemory, from, cancellationToken) is { } problem)
                log.Info($"cannot answer {sender}: {problem}");
        }
    }
}
