using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Responders;
using Dotcat.Text;
using Dotcat.Toolbox;
using Dotcat.Transports;

namespace Dotcat.Cli;

/// <summary>
/// Turns a parse into one <see cref="DotcatOptions"/>, checking every rule between options here and nowhere else,
/// before any file or socket is opened. A broken rule is a <see cref="UsageException"/> naming both options (exit 2).
/// </summary>
internal static partial class OptionsBinder
{
    /// <summary>The options <paramref name="parse"/> asks for; <c>--send</c> globs are matched under <paramref name="directory"/>.</summary>
    public static DotcatOptions Bind(DotcatCommand cli, ParseResult parse, Mode? spelledMode, string directory, Func<string, string?>? environment = null)
    {
        bool listen = parse.GetValue(cli.Listen);
        if (spelledMode == Mode.Connect && listen)
            throw new UsageException("cannot use -l/--listen with 'connect'");
        Mode mode = spelledMode ?? (listen ? Mode.Listen : Mode.Connect);

        bool ipv4 = parse.GetValue(cli.IPv4), ipv6 = parse.GetValue(cli.IPv6);
        Conflict(ipv4 && ipv6, "-4", "-6");
        Conflict(parse.GetValue(cli.NoShutdown) && parse.GetValue(cli.ShutdownAtEof), "--no-shutdown", "-N");

        var options = new DotcatOptions
        {
            Mode = mode,
            Endpoint = new Endpoint.Tcp(null, 0),
            Family = ipv4 ? IpFamily.IPv4 : ipv6 ? IpFamily.IPv6 : IpFamily.Any,
            KeepOpen = parse.GetValue(cli.KeepOpen),
            MaxConnections = parse.GetValue(cli.MaxConnections),
            ConnectTimeout = parse.GetValue(cli.Wait),
            IdleTimeout = parse.GetValue(cli.IdleTimeout),
            HalfClose = !parse.GetValue(cli.NoShutdown),
            ReuseAddress = parse.GetValue(cli.ReuseAddr),
            ReusePort = parse.GetValue(cli.ReusePort),
            NumericOnly = parse.GetValue(cli.NoDns),
            Verbosity = parse.GetResult(cli.Verbose)?.IdentifierTokenCount ?? 0,
            Color = parse.GetValue(cli.Color),
        };

        string[] operands = parse.GetValue(cli.Endpoint) ?? [];
        bool udp = parse.GetValue(cli.Udp), unix = parse.GetValue(cli.UnixSocket);
        string? source = parse.GetValue(cli.Source);
        int? sourcePort = parse.GetValue(cli.SourcePort);
        if (parse.GetValue(cli.Scan))
            options = BindScan(options, operands, udp, unix, source, sourcePort);
        else
            options = options with { Endpoint = unix ? BindUnixPath(options, operands, udp, source, sourcePort) : BindIp(options, operands, udp, source, sourcePort) };

        options = BindService(cli, parse, options);
        options = BindAccess(cli, parse, BindProxy(cli, parse, options, environment ?? Environment.GetEnvironmentVariable));
        CheckListenRules(options);
        TimeSpan? quit = parse.GetValue(cli.Quit);
        CheckServiceRules(options, quit);
        options = options with { Toolbox = BindToolbox(cli, parse, options, directory) };
        options = BindTls(cli, parse, options);
        return options with { QuitAfterEof = quit ?? DefaultQuitAfterEof(options) };
    }

    /// <summary>
    /// Datagrams have no EOF, so a datagram client would never end: it waits 1 s for stragglers (SPEC section 3).
    /// A listener keeps serving (an empty or /dev/null stdin must not stop it from receiving). <c>--send-only</c> ends
    /// at stdin's EOF: after the half-close there is nothing left to wait for.
    /// </summary>
    private static TimeSpan DefaultQuitAfterEof(DotcatOptions options) =>
        options.Toolbox.SendOnly ? TimeSpan.Zero
        : options.Endpoint.IsDatagram && options.Mode == Mode.Connect ? TimeSpan.FromSeconds(1)
        : Timeout.InfiniteTimeSpan;

    private static Endpoint.Ip BindIp(DotcatOptions options, string[] operands, bool udp, string? source, int? portOption)
    {
        Endpoint.Ip Make(string? host, int port, string? src = null, int? srcPort = null) =>
            udp ? new Endpoint.Udp(host, port, src, srcPort) : new Endpoint.Tcp(host, port, src, srcPort);

        if (options.Mode == Mode.Connect)
        {
            if (operands.Length == 0)
                throw new UsageException("missing HOST to connect to");
            // ncat's habit: `dotcat HOST` connects to port 31337.
            int port = operands.Length > 1 ? ParsePort(operands[1], allowZero: false) : DefaultPort;
            return Make(CheckHost(options, operands[0]), port, source is null ? null : CheckHost(options, source), portOption);
        }

        if (source is not null)
            throw new UsageException("cannot use -s/--source with -l/--listen (give the address to listen on as HOST)");
        // Listen: PORT, HOST PORT, -p PORT, or HOST -p PORT; without a port, ncat's 31337 (`-l`, `-l HOST`).
        return (operands.Length, portOption) switch
        {
            (0, null) => Make(null, DefaultPort),
            (0, int port) => Make(null, port),
            (1, null) when LooksLikePort(operands[0]) => Make(null, ParsePort(operands[0], allowZero: true)),
            (1, null) => Make(CheckHost(options, operands[0]), DefaultPort),
            // `-l -p 8301 8302`: a second port, not the IPv4 address 0.0.32.110.
            (1, int) when Endpoints.TryParsePort(operands[0], out _) => throw PortTwice(),
            (1, int port) => Make(CheckHost(options, operands[0]), port),
            (_, null) => Make(CheckHost(options, operands[0]), ParsePort(operands[1], allowZero: true)),
            _ => throw PortTwice(),
        };

        static UsageException PortTwice() => new("cannot use -p/--source-port with a PORT operand in listen mode");
    }

    /// <summary>With -U the one operand is the socket's PATH, in both modes; ports and addresses have no place.</summary>
    private static Endpoint.Unix BindUnixPath(DotcatOptions options, string[] operands, bool datagram, string? source, int? portOption)
    {
        Conflict(portOption is not null, "-p/--source-port", "-U/--unixsock");
        // A Unix datagram client may name its own socket (-s PATH), as in ncat: where the server's replies go.
        Conflict(source is not null && !(datagram && options.Mode == Mode.Connect), "-s/--source", "-U/--unixsock");
        Conflict(options.Family != IpFamily.Any, options.Family == IpFamily.IPv4 ? "-4" : "-6", "-U/--unixsock");
        Conflict(options.ReusePort, "--reuseport", "-U/--unixsock");
        string path = operands switch
        {
            [] or [""] => throw new UsageException("missing PATH for -U/--unixsock"),
            [string one] => one,
            _ => throw new UsageException($"cannot use a PORT ('{operands[^1]}') with -U/--unixsock: its one operand is the PATH"),
        };
        if (path.StartsWith('@') && !OperatingSystem.IsLinux())
            throw new UsageException($"{path}: abstract socket names (@name) exist only on Linux");
        if (datagram && OperatingSystem.IsWindows())
            throw new UsageException("Unix datagram sockets (-U -u) are not available on Windows");
        return datagram ? new Endpoint.UnixDatagram(path, source) : new Endpoint.UnixStream(path);
    }

    /// <summary><c>-z HOST PORTS</c>: connect mode's operands, the second one a port list.</summary>
    private static DotcatOptions BindScan(DotcatOptions options, string[] operands, bool udp, bool unix, string? source, int? sourcePort)
    {
        Conflict(options.Mode == Mode.Listen, "-z", "-l/--listen");
        Conflict(unix, "-z", "-U/--unixsock");
        // Every probe is a socket of its own; they cannot all bind one local port.
        Conflict(sourcePort is not null, "-z", "-p/--source-port");
        Conflict(source is not null, "-z", "-s/--source");
        if (operands.Length < 2)
            throw new UsageException(operands.Length == 0 ? "-z needs HOST and PORTS" : "-z needs PORTS after HOST");
        if (!PortList.TryParse(operands[1], out IReadOnlyList<int> ports, out string? error))
            throw new UsageException(error!);
        string host = CheckHost(options, operands[0]);
        return options with { Endpoint = udp ? new Endpoint.Udp(host, 0) : new Endpoint.Tcp(host, 0), ScanPorts = ports };
    }

    /// <summary>
    /// A repeatable option's values, none when it is not given. Asked for its value, an option that is not given makes
    /// System.CommandLine build an empty array by reflection, which the native build pays for at every start.
    /// </summary>
    private static T[] ListOf<T>(ParseResult parse, Option<T[]> option) =>
        parse.GetResult(option) is null ? [] : parse.GetValue(option) ?? [];

    /// <summary>
    /// <c>--respond</c>, <c>-e</c>/<c>-c</c>, <c>--broker</c>/<c>--chat</c>: at most one of them answers clients.
    /// Responders and the broker serve until interrupted, so they imply <c>-k</c>.
    /// </summary>
    private static DotcatOptions BindService(DotcatCommand cli, ParseResult parse, DotcatOptions options)
    {
        string? respond = parse.GetValue(cli.Respond), exec = parse.GetValue(cli.Exec), shell = parse.GetValue(cli.ShellExec);
        string? timeFormat = parse.GetValue(cli.TimeFormat);
        bool broker = parse.GetValue(cli.Broker), chat = parse.GetValue(cli.Chat);

        (string Name, bool Given)[] servers =
        [
            ("--respond", respond is not null), ("-e/--exec", exec is not null), ("-c/--sh-exec", shell is not null),
            ("--broker", broker), ("--chat", chat),
        ];
        // A loop, not LINQ: Where over a value tuple is resolved at run time in the native build (a tenth of a
        // millisecond of every start).
        var given = new List<string>(servers.Length);
        foreach ((string name, bool isGiven) in servers)
        {
            if (isGiven)
                given.Add(name);
        }
        if (given.Count == 2 && !(broker && chat))
            throw new UsageException($"cannot use {given[0]} with {given[1]}");
        if (given.Count > 2)
            throw new UsageException($"cannot use {given[0]} with {given[^1]}");

        Service service =
            respond is not null ? new Service.Respond(ResponderCatalog.KindOf(respond), timeFormat ?? Strftime.DefaultFormat)
            : exec is not null ? new Service.Exec(DirectCommand(exec), ThroughShell: false)
            : shell is not null ? new Service.Exec(ShellCommand(shell), ThroughShell: true)
            : broker || chat ? new Service.Broker(chat)
            : Service.Relay;
        if (timeFormat is not null && service is not Service.Respond { Responder: ResponderKind.Time })
            throw new UsageException("--time-format needs --respond time");
        return options with
        {
            Service = service,
            KeepOpen = options.KeepOpen || service is Service.Respond or Service.Broker,
        };
    }

    private static void CheckListenRules(DotcatOptions options)
    {
        if (options.Mode == Mode.Listen)
            return;
        // Connect mode's -k is ncat 7.93's: the client outlives the peer's EOF and ends only when stdin has ended too.
        if (options.KeepOpen && options.Service is Service.Exec)
            throw new UsageException("-k/--keep-open with -e/-c needs -l/--listen");
        if (options.ReusePort)
            throw new UsageException("--reuseport needs -l/--listen");
        if (options.Service is Service.Respond or Service.Broker)
            throw new UsageException($"{options.Service.Option} needs -l/--listen");
    }

    /// <summary>What each service accepts: responders and the broker answer clients on their own terms.</summary>
    private static void CheckServiceRules(DotcatOptions options, TimeSpan? quit)
    {
        if (OperatingSystem.IsWindows() && options.ReusePort)
            throw new UsageException("--reuseport is not available on Windows");
        Service service = options.Service;
        if (service is Service.RelayService)
            return;
        Conflict(options.IsScan, "-z", service.Option);
        // Responders, the broker and a proxy end a client only when it leaves: no idle timer, no quit timer applies.
        if (service is Service.Respond or Service.Broker or Service.Proxy)
        {
            Conflict(options.IdleTimeout is not null, "-i/--idle-timeout", service.Option);
            Conflict(quit is not null, "-q", service.Option);
        }
        // The broker joins stream connections. Over datagrams, exec serves the first peer, or with -k each peer.
        Conflict(options.Endpoint.IsDatagram && service is Service.Broker, service.Option, "-u/--udp");
    }

    private static ToolboxOptions BindToolbox(DotcatCommand cli, ParseResult parse, DotcatOptions options, string directory)
    {
        var toolbox = new ToolboxOptions
        {
            OutputFile = parse.GetValue(cli.Output)?.FullName,
            HexDumpFile = parse.GetValue(cli.HexDump)?.FullName,
            AppendOutput = parse.GetValue(cli.AppendOutput),
            Crlf = parse.GetValue(cli.Crlf),
            SendOnly = parse.GetValue(cli.SendOnly),
            RecvOnly = parse.GetValue(cli.RecvOnly),
            LineDelay = parse.GetValue(cli.Delay),
            SendGlobs = ListOf(parse, cli.Send),
            ExcludeGlobs = ListOf(parse, cli.Exclude),
            Progress = parse.GetValue(cli.Progress),
        };

        Conflict(toolbox.SendOnly && toolbox.RecvOnly, "--send-only", "--recv-only");
        Conflict(toolbox.SendGlobs.Count > 0 && toolbox.RecvOnly, "--send", "--recv-only");
        Conflict(toolbox.Crlf && toolbox.RecvOnly, "-C/--crlf", "--recv-only");
        Conflict(toolbox.LineDelay is not null && toolbox.RecvOnly, "-d/--delay", "--recv-only");
        if (toolbox.AppendOutput && toolbox.OutputFile is null && toolbox.HexDumpFile is null)
            throw new UsageException("--append-output needs -o/--output or -x/--hex-dump");
        if (toolbox.ExcludeGlobs.Count > 0 && toolbox.SendGlobs.Count == 0)
            throw new UsageException("--exclude needs --send");
        if (toolbox.OutputFile is not null && string.Equals(toolbox.OutputFile, toolbox.HexDumpFile, StringComparison.Ordinal))
            throw new UsageException("cannot use the same FILE for -o/--output and -x/--hex-dump");

        if (options.IsScan)
        {
            Conflict(toolbox.SendGlobs.Count > 0, "-z", "--send");
            Conflict(toolbox.SendOnly, "-z", "--send-only");
            Conflict(toolbox.RecvOnly, "-z", "--recv-only");
            Conflict(toolbox.OutputFile is not null, "-z", "-o/--output");
            Conflict(toolbox.HexDumpFile is not null, "-z", "-x/--hex-dump");
        }

        // Responders, exec and the broker answer clients themselves: stdin/stdout, and so the toolbox, play no part.
        if (options.Service is not Service.RelayService)
        {
            string server = options.Service.Option;
            Conflict(toolbox.OutputFile is not null, "-o/--output", server);
            Conflict(toolbox.HexDumpFile is not null, "-x/--hex-dump", server);
            // As in ncat, -C with -e/-c turns the process's output LF into CRLF.
            Conflict(toolbox.Crlf && options.Service is not Service.Exec, "-C/--crlf", server);
            Conflict(toolbox.LineDelay is not null, "-d/--delay", server);
            Conflict(toolbox.SendGlobs.Count > 0, "--send", server);
            // ncat's --send-only broker: stdin reaches the clients, nothing they send is passed on.
            Conflict(toolbox.SendOnly && options.Service is not Service.Broker, "--send-only", server);
            Conflict(toolbox.RecvOnly, "--recv-only", server);
            Conflict(toolbox.Progress, "--progress", server);
        }

        // Last, as it reads the file system: every file --send names must be there and readable before anything runs.
        if (toolbox.SendGlobs.Count > 0)
        {
            IReadOnlyList<FileToSend> files = SendFiles.Find(directory, toolbox.SendGlobs, toolbox.ExcludeGlobs, out string? problem);
            if (problem is not null)
                throw new UsageException(problem);
            toolbox = toolbox with { Files = files };
        }
        return toolbox;
    }

    /// <summary><c>-e CMD</c>: argv split without a shell (quotes honoured).</summary>
    private static ExecCommand DirectCommand(string command)
    {
        IReadOnlyList<string> argv = ArgvSplitter.Split(command, out string? error)
            ?? throw new UsageException($"cannot parse -e/--exec command: {error}");
        if (argv.Count == 0)
            throw new UsageException("-e/--exec needs a command");
        return new ExecCommand(argv[0], [.. argv.Skip(1)]);
    }

    /// <summary><c>-c CMD</c>: through the system shell.</summary>
    private static ExecCommand ShellCommand(string command)
    {
        if (string.IsNullOrWhiteSpace(command))
            throw new UsageException("-c/--sh-exec needs a command");
        return OperatingSystem.IsWindows()
            ? new ExecCommand("cmd.exe", ["/c", command])
            : new ExecCommand("/bin/sh", ["-c", command]);
    }

    /// <summary>Brackets off; <c>-n</c> refuses names; a literal of the family <c>-4</c>/<c>-6</c> excludes is refused.</summary>
    private static string CheckHost(DotcatOptions options, string host)
    {
        string bare = Endpoints.StripBrackets(host);
        bool numeric = IPAddress.TryParse(bare, out IPAddress? literal);
        if (options.NumericOnly && !numeric)
            throw new UsageException($"-n/--nodns forbids names, and '{host}' is not a numeric address");
        if (literal is not null && options.Family != IpFamily.Any)
        {
            bool isV4 = literal.AddressFamily == AddressFamily.InterNetwork;
            if (isV4 != (options.Family == IpFamily.IPv4))
                throw new UsageException($"'{bare}' is an {(isV4 ? "IPv4" : "IPv6")} address, but {(options.Family == IpFamily.IPv4 ? "-4" : "-6")} was given");
        }
        return bare;
    }

    /// <summary>The port ncat uses when none is given, in both modes (SPEC section 2).</summary>
    public const int DefaultPort = 31337;

    /// <summary>All digits: a port (perhaps out of range, which is then an error), never a host name.</summary>
    private static bool LooksLikePort(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static int ParsePort(string text, bool allowZero) =>
        Endpoints.TryParsePort(text, out int port) && (allowZero || port != 0)
            ? port
            : throw new UsageException($"invalid port '{text}'");

    private static void Conflict(bool both, string first, string second)
    {
        if (both)
            throw new UsageException($"cannot use {first} with {second}");
    }
}
