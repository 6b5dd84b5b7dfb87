using System.Net.Sockets;

namespace Dotcat.Diagnostics;

/// <summary>Turns socket errors into the short lower-case reasons of SPEC section 4 ("connection refused").</summary>
internal static class SocketErrors
{
    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by peer",
        // Windows reports a reset during a receive as ConnectionAborted.
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.HostNotFound or SocketError.NoData => "name not found",
        SocketError.TryAgain => "temporary failure in name resolution",
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "address not available",
        SocketError.AccessDenied => "permission denied",
        SocketError.AddressFamilyNotSupported => "address family not supported",
        SocketError.NetworkDown => "network is down",
        SocketError.Shutdown => "connection shut down",
        SocketError.MessageSize => "message too long",
        // EMFILE and ENFILE (the process's or the system's descriptor limit), ENOBUFS/ENOMEM.
        SocketError.TooManyOpenSockets => "too many open files",
        SocketError.NoBufferSpaceAvailable => "no buffer space available",
        _ => error.ToString(),
    };
}
