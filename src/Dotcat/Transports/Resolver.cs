using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Transports;

/// <summary>Host names and literals to addresses, honouring <c>-4</c>/<c>-6</c>; in the system's preferred order.</summary>
internal static class Resolver
{
    /// <summary>RFC 1035's limit, which the resolver enforces by throwing.</summary>
    private const int MaxHostNameLength = 255;

    public static async Task<IPAddress[]> ResolveAsync(string host, IpFamily family, CancellationToken cancellationToken)
    {
        // The binder has refused a literal of the family -4/-6 excludes.
        if (IPAddress.TryParse(host, out IPAddress? literal))
            return [literal];

        if (host.Length > MaxHostNameLength)
            throw new DotcatException($"cannot resolve '{host}': host name longer than {MaxHostNameLength} characters");

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, ToAddressFamily(family), cancellationToken);
        }
        catch (SocketException) when (IsLocalhost(host))
        {
            addresses = [];   // no entry for this family in the hosts file: the loopback below still is
        }
        catch (SocketException e)
        {
            throw new DotcatException($"cannot resolve '{host}': {SocketErrors.Describe(e.SocketErrorCode)}", ExitCodes.Failure, e);
        }
        if (IsLocalhost(host))
            addresses = WithLoopbacks(addresses, family);
        if (addresses.Length == 0)
            throw new DotcatException($"cannot resolve '{host}': no {(family == IpFamily.Any ? "" : Describe(ToAddressFamily(family)) + " ")}address");
        return addresses;
    }

    /// <summary>RFC 6761: <c>localhost</c> is the loopback, in both families, whatever the hosts file lists.</summary>
    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The system's answer first, then any loopback it left out, so a client reaches a listener on <c>::1</c> only or
    /// on <c>127.0.0.1</c> only (many hosts files name only one of them).
    /// </summary>
    private static IPAddress[] WithLoopbacks(IPAddress[] addresses, IpFamily family)
    {
        IPAddress[] loopbacks = Socket.OSSupportsIPv6 ? [IPAddress.IPv6Loopback, IPAddress.Loopback] : [IPAddress.Loopback];
        return [.. addresses, .. loopbacks.Where(l => Fits(l, family) && !addresses.Contains(l))];
    }

    private static bool Fits(IPAddress address, IpFamily family) => family switch
    {
        IpFamily.IPv4 => address.AddressFamily == AddressFamily.InterNetwork,
        IpFamily.IPv6 => address.AddressFamily == AddressFamily.InterNetworkV6,
        _ => true,
    };

    private static AddressFamily ToAddressFamily(IpFamily family) => family switch
    {
        IpFamily.IPv4 => AddressFamily.InterNetwork,
        IpFamily.IPv6 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unspecified,
    };

    private static string Describe(AddressFamily family) => family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
}
