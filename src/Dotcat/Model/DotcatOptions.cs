namespace Dotcat.Model;

internal enum Mode
{
    Connect,
    Listen,
}

internal enum IpFamily
{
    Any,
    IPv4,
    IPv6,
}

/// <summary>When <c>--color</c> is <c>auto</c>/<c>always</c>/<c>never</c>.</summary>
internal enum ColorMode
{
    Auto,
    Always,
    Never,
}

/// <summary>
/// Everything a run of dotcat needs, made and checked once by the binder (<c>Cli/OptionsBinder</c>), then only read:
/// every combination it lets through means something. Defaults are the defaults of SPEC section 2.
/// </summary>
internal sealed partial record DotcatOptions
{
    public Mode Mode { get; init; }

    /// <summary>Connect: the peer to reach. Listen: the address or path to bind.</summary>
    public required Endpoint Endpoint { get; init; }

    /// <summary>What serves each connection.</summary>
    public Service Service { get; init; } = Service.Relay;

    public IpFamily Family { get; init; }

    /// <summary><c>-k</c>: serve clients concurrently and keep listening after they leave.</summary>
    public bool KeepOpen { get; init; }

    public int MaxConnections { get; init; } = 100;

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

    /// <summary><c>-z</c>: the ports of <see cref="Endpoint"/>'s host to probe, ascending; null when not scanning.</summary>
    public IReadOnlyList<int>? ScanPorts { get; init; }

    public ToolboxOptions Toolbox { get; init; } = new();

    /// <summary><c>--ssl</c>: TLS on every stream connection; null for plain sockets.</summary>
    public TlsOptions? Tls { get; init; }

    public bool IsScan => ScanPorts is not null;
}

/// <summary>The toolbox: what happens to the bytes between stdin/stdout and the peer.</summary>
internal sealed record ToolboxOptions
{
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

    /// <summary>The files <see cref="SendGlobs"/> found (all readable when the binder looked), in the order sent.</summary>
    public IReadOnlyList<FileToSend> Files { get; init; } = [];

    /// <summary><c>--progress</c>: live counters on stderr.</summary>
    public bool Progress { get; init; }
}

/// <summary>One file chosen by <c>--send</c>: its path relative to the directory searched ('/' separators) and its full path.</summary>
internal sealed record FileToSend(string RelativePath, string FullPath);
