using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;

namespace Dotcat.Transports;

/// <summary>Host names and literals to addresses, honouring <c>-4</c>/<c>-6</c>; in the system's preferred order.</summary>
internal static class Resolver
{
    public static async Task<IPAddress[]> ResolveAsync(string host, IpFamily family, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            if (!Fits(literal, family))
                throw new UsageException($"'{host}' is an {Describe(literal.AddressFamily)} address, but {(family == IpFamily.IPv4 ? "-4" : "-6")} was given");
            return [literal];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, ToAddressFamily(family), cancellationToken);
        }
        catch (SocketException e)
        {
            throw new DotcatException($"cannot resolve '{host}': {SocketErrors.Describe(e.SocketErrorCode)}", ExitCodes.Failure, e);
        }
        if (addresses.Length == 0)
            throw new DotcatException($"cannot resolve '{host}': no {(family == IpFamily.Any ? "" : Describe(ToAddressFamily(family)) + " ")}address");
        return addresses;
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
