using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Transports;

namespace Dotcat.Responders;

/// <summary>
/// A responder on a bound datagram socket (UDP or Unix datagram): each datagram is answered to its sender, whoever
/// that is, until cancelled. Every datagram is one whole request, so no per-peer state is kept.
/// </summary>
internal sealed class DatagramResponderServer(Socket socket, Responder responder, Log log)
{
    /// <summary>The largest UDP payload; a bigger Unix datagram is truncated to it.</summary>
    private const int MaxDatagram = 65_507;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var request = new byte[MaxDatagram];
        using var reply = new PooledBufferWriter();
        EndPoint anySender = socket.LocalEndPoint!;
        while (true)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(request, SocketFlags.None, anySender, cancellationToken);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // An ICMP error for an earlier answer (that peer is gone), or an oversized datagram: serve the next one.
                continue;
            }

            string sender = Endpoints.Format(received.RemoteEndPoint);
            log.Info($"datagram from {sender}", level: 2);
            reply.Clear();
            if (!responder.Answer(request.AsSpan(0, received.ReceivedBytes), reply))
                continue;
            try
            {
                await socket.SendToAsync(reply.WrittenMemory, SocketFlags.None, received.RemoteEndPoint, cancellationToken);
            }
            catch (SocketException e)
            {
                // A sender with no address to answer (an unbound Unix datagram client), or one gone meanwhile.
                log.Info($"cannot answer {sender}: {SocketErrors.Describe(e.SocketErrorCode)}");
            }
        }
    }
}
