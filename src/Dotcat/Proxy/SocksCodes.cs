using System.Globalization;
using System.Net.Sockets;

namespace Dotcat.Proxy;

/// <summary>The numbers of RFC 1928 (SOCKS5), RFC 1929 (its username/password) and SOCKS4/4a, and their words.</summary>
internal static class SocksCodes
{
    public const byte Version5 = 5;
    public const byte Version4 = 4;
    public const byte UserPassVersion = 1;
    public const byte MethodNone = 0;
    public const byte MethodUserPass = 2;
    public const byte MethodNoneAcceptable = 0xFF;
    public const byte CommandConnect = 1;
    public const byte CommandBind = 2;
    public const byte CommandUdpAssociate = 3;
    public const byte AddressIPv4 = 1;
    public const byte AddressName = 3;
    public const byte AddressIPv6 = 4;
    public const byte Socks4Granted = 90;

    /// <summary>RFC 1928 section 6 reply codes.</summary>
    public enum Reply : byte
    {
        Succeeded = 0,
        GeneralFailure = 1,
        NotAllowed = 2,
        NetworkUnreachable = 3,
        HostUnreachable = 4,
        ConnectionRefused = 5,
        TtlExpired = 6,
        CommandNotSupported = 7,
        AddressTypeNotSupported = 8,
    }

    public static string Describe5(byte code) => code switch
    {
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => $"unassigned reply code {code.ToString(CultureInfo.InvariantCulture)}",
    };

    public static string Describe4(byte code) => code switch
    {
        91 => "request rejected or failed",
        92 => "request rejected: the proxy cannot reach an identd on this machine",
        93 => "request rejected: identd reports a different user id",
        _ => $"unknown reply code {code.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>The reply a SOCKS5 server sends when its own connect to the target failed this way.</summary>
    public static Reply ForSocketError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => Reply.ConnectionRefused,
        SocketError.HostUnreachable or SocketError.HostNotFound or SocketError.NoData or SocketError.HostDown => Reply.HostUnreachable,
        SocketError.NetworkUnreachable or SocketError.NetworkDown => Reply.NetworkUnreachable,
        SocketError.TimedOut => Reply.TtlExpired,
        SocketError.AccessDenied => Reply.NotAllowed,
        SocketError.AddressFamilyNotSupported => Reply.AddressTypeNotSupported,
        _ => Reply.GeneralFailure,
    };

    public static string Hex(byte value) => "0x" + value.ToString("x2", CultureInfo.InvariantCulture);
}
