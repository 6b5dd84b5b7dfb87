using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Text;
using Dotcat.Transports;

namespace Dotcat.Cli;

internal enum Mode
{
    Connect,
    Listen,
}

internal enum Transport
{
    Tcp,
    Udp,
    UnixStream,
    UnixDatagram,
}

/// <summary><c>--broker</c> relays clients to each other; <c>--chat</c> adds names and announcements.</summary>
internal enum BrokerKind
{
    None,
    Broker,
    Chat,
}

internal enum IpFamily
{
    Any,
    IPv4,
    IPv6,
}

/// <summary>
/// Everything a run of dotcat needs, parsed and checked once by <see cref="OptionsBinder"/>, then only read.
/// Defaults are the defaults of SPEC section 2.
/// </summary>
internal sealed record DotcatOptions
{
    public Mode Mode { get; init; }
    public Transport Transport { get; init; }

    /// <summary>Connect: the host to reach. Listen: the address to bind, or null for every local address.</summary>
    public string? Host { get; init; }

    /// <summary>The port to connect to or listen on (0 in listen mode: an ephemeral port).</summary>
    public int Port { get; init; }

    /// <summary>The Unix socket path (<c>@name</c> for the Linux abstract namespace) when the transport is Unix.</summary>
    public string? UnixPath { get; init; }

    public IpFamily Family { get; init; }

    /// <summary><c>-k</c>: serve clients concurrently and keep listening after they leave.</summary>
    public bool KeepOpen { get; init; }

    public int MaxConnections { get; init; } = 100;
    public string? SourceAddress { get; init; }
    public int? SourcePort { get; init; }

    /// <summary><c>-w</c>: how long connecting may take; null waits as long as the system does.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary><c>-i</c>: a session with no data either way for this long fails; null never.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary><c>-q</c>: after stdin's EOF, quit once nothing has arrived for this long; infinite waits for the peer.</summary>
    public TimeSpan QuitAfterEof { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Half-close the socket at stdin's EOF (off with <c>--no-shutdown</c>).</summary>
    public bool HalfClose { get; init; } = true;

    public bool ReuseAddress { get; init; }
    public bool ReusePort { get; init; }

    /// <summary><c>-n</c>: numeric addresses only, no name resolution.</summary>
    public bool NumericOnly { get; init; }

    public int Verbosity { get; init; }
    public ColorMode Color { get; init; }

    // The toolbox: scanning, files, recording, line handling.
    /// <summary><c>-z</c>: the ports to probe, ascending; null when not scanning.</summary>
    public IReadOnlyList<int>? ScanPorts { get; init; }

    /// <summary><c>-o</c>: the session's bytes, both directions in order, go to this file too.</summary>
    public string? OutputFile { get; init; }

    /// <summary><c>-x</c>: a hex dump of the session goes to this file.</summary>
    public string? HexDumpFile { get; init; }

    /// <summary><c>--append-output</c>: -o/-x files are appended to instead of truncated.</summary>
    public bool AppendOutput { get; init; }

    /// <summary><c>-C</c>: LF sent becomes CRLF.</summary>
    public bool Crlf { get; init; }

    /// <summary><c>--send-only</c>: what arrives is dropped; the session ends at stdin's EOF.</summary>
    public bool SendOnly { get; init; }

    /// <summary><c>--recv-only</c>: stdin is never read, nothing is sent.</summary>
    public bool RecvOnly { get; init; }

    /// <summary><c>-d</c>: pause between lines sent; null sends as fast as it reads.</summary>
    public TimeSpan? LineDelay { get; init; }

    /// <summary><c>--send</c> patterns: send the matching files instead of stdin (empty: stdin).</summary>
    public IReadOnlyList<string> SendGlobs { get; init; } = [];

    /// <summary><c>--exclude</c> patterns: files left out of <see cref="SendGlobs"/>.</summary>
    public IReadOnlyList<string> ExcludeGlobs { get; init; } = [];

    /// <summary><c>--progress</c>: live counters on stderr.</summary>
    public bool Progress { get; init; }

    public bool IsScan => ScanPorts is not null;
    // Servers: what answers clients instead of stdin/stdout (SPEC sections 5 and 6, --broker, --chat).

    /// <summary><c>--respond</c>: the built-in responder's name (aliases already resolved), or null.</summary>
    public string? Responder { get; init; }

    /// <summary><c>--time-format</c>: the <c>time</c> responder's answer to an empty request.</summary>
    public string TimeFormat { get; init; } = Strftime.DefaultFormat;

    /// <summary><c>-e</c>/<c>-c</c>: the program each connection is joined to, or null.</summary>
    public ExecCommand? Exec { get; init; }

    public BrokerKind Broker { get; init; }

    public bool IsUnix => Transport is Transport.UnixStream or Transport.UnixDatagram;
    public bool IsDatagram => Transport is Transport.Udp or Transport.UnixDatagram;

    /// <summary>How the peer is named in messages: <c>127.0.0.1:8080</c>, <c>[::1]:8080</c> or the socket path.</summary>
    public string Target => IsUnix ? UnixPath! : Endpoints.Format(Host ?? "", Port);
}
