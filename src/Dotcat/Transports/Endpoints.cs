using System.Globalization;
using System.Net;

namespace Dotcat.Transports;

/// <summary>Host and port spelling: parsing ports, IPv6 brackets, and the <c>host:port</c> form used in messages.</summary>
internal static class Endpoints
{
    /// <summary>0 to 65535, digits only (no sign, no spaces).</summary>
    public static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    /// <summary><c>[::1]</c> → <c>::1</c>: IPv6 literals are accepted with and without brackets.</summary>
    public static string StripBrackets(string host) =>
        host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    public static bool IsNumeric(string host) => IPAddress.TryParse(StripBrackets(host), out _);

    /// <summary><c>127.0.0.1:80</c>, <c>[::1]:80</c>.</summary>
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? $"[{host}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An IPv4 client of a dual-stack socket, as the IPv4 address it is (not <c>::ffff:127.0.0.1</c>).</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>An endpoint as SPEC's messages print it; IPv4-mapped IPv6 addresses print as plain IPv4.</summary>
    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => Format(Unmapped(ip.Address).ToString(), ip.Port),
        null => "?",
        _ => UnixPaths.Display(endPoint),
    };
}
