namespace Dotcat.Model;

/// <summary>
/// Where a run's socket is: what connect mode reaches, or what listen mode binds. A closed set: TCP and UDP carry a
/// host and port (and, connecting, the <c>-s</c>/<c>-p</c> source), Unix sockets a path (<c>@name</c>: Linux's
/// abstract namespace).
/// </summary>
internal abstract record Endpoint
{
    private Endpoint()
    {
    }

    public abstract Protocol Protocol { get; }

    public bool IsDatagram => Protocol is Protocol.Udp or Protocol.UnixDatagram;

    public bool IsUnix => this is Unix;

    /// <summary>TCP or UDP. <see cref="Host"/> null: listen on every local address.</summary>
    public abstract record Ip(string? Host, int Port, string? SourceAddress = null, int? SourcePort = null) : Endpoint;

    public sealed record Tcp(string? Host, int Port, string? SourceAddress = null, int? SourcePort = null)
        : Ip(Host, Port, SourceAddress, SourcePort)
    {
        public override Protocol Protocol => Protocol.Tcp;
    }

    public sealed record Udp(string? Host, int Port, string? SourceAddress = null, int? SourcePort = null)
        : Ip(Host, Port, SourceAddress, SourcePort)
    {
        public override Protocol Protocol => Protocol.Udp;
    }

    /// <summary>A Unix domain socket at <see cref="Path"/>.</summary>
    public abstract record Unix(string Path) : Endpoint;

    public sealed record UnixStream(string Path) : Unix(Path)
    {
        public override Protocol Protocol => Protocol.UnixStream;
    }

    /// <summary>A Unix datagram socket; a client binds <paramref name="Source"/> (<c>-s PATH</c>) as its own address when given.</summary>
    public sealed record UnixDatagram(string Path, string? Source = null) : Unix(Path)
    {
        public override Protocol Protocol => Protocol.UnixDatagram;
    }
}

/// <summary>What carries a connection's bytes.</summary>
internal enum Protocol
{
    Tcp,
    Udp,
    UnixStream,
    UnixDatagram,
}
