using Dotcat.Model;

namespace Dotcat.Transports;

/// <summary>Datagram sizes: one stdin read is one datagram, up to these sizes; a longer read is split, never truncated.</summary>
internal static class Datagrams
{
    /// <summary>The largest UDP payload over IPv4 (65,535 less the IP and UDP headers).</summary>
    public const int MaxUdp = 65_507;

    /// <summary>macOS caps Unix datagrams at 2,048 bytes by default (net.local.dgram.maxdgram); Linux takes UDP's size easily.</summary>
    public static int MaxSize(Protocol protocol) =>
        protocol == Protocol.UnixDatagram && !OperatingSystem.IsLinux() ? 2048 : MaxUdp;
}
