using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Text;

namespace Dotcat.Relay;

/// <summary>
/// The peer failed while the session was on (a reset, a close while dotcat was still sending): the reason in dotcat's
/// words and what of the local end's data it did not get. <see cref="NotSent"/> counts the bytes read from the local
/// end but not handed to the peer's socket; <see cref="InputLeft"/> says the local end had not reached its EOF, so
/// whatever it still held was not sent either.
/// </summary>
internal sealed class PeerFailedException(SocketError error, long notSent, bool inputLeft)
    : Exception(Describe(error, notSent, inputLeft))
{
    public SocketError Error { get; } = error;
    public long NotSent { get; } = notSent;
    public bool InputLeft { get; } = inputLeft;

    /// <summary>
    /// <c>connection reset by peer; 62.1 MiB of stdin not sent, and stdin not read to its end</c>. Only the reason when
    /// every byte read was handed over (whether stdin had more is unknown then, and nothing read was lost).
    /// </summary>
    private static string Describe(SocketError error, long notSent, bool inputLeft)
    {
        string reason = SocketErrors.Describe(error);
        if (notSent == 0)
            return reason;
        string lost = $"{reason}; {ByteCount.Format(notSent)} of stdin not sent";
        return inputLeft ? lost + ", and stdin not read to its end" : lost;
    }
}
