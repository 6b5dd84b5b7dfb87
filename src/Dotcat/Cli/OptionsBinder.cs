using System.CommandLine;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Responders;
using Dotcat.Text;
using Dotcat.Transports;

namespace Dotcat.Cli;

/// <summary>
/// Turns a parse into one <see cref="DotcatOptions"/>, checking every rule between options here and nowhere else.
/// A broken rule is a <see cref="UsageException"/> naming both options (exit 2).
/// </summary>
internal static partial class OptionsBinder
{
    public static DotcatOptions Bind(DotcatCommand cli, ParseResult parse, Mode? spelledMode = null)
    {
        bool listen = parse.GetValue(cli.Listen);
        if (spelledMode == Mode.Connect && listen)
            throw new UsageException("cannot use -l/--listen with 'connect'");
        Mode mode = spelledMode ?? (listen ? Mode.Listen : Mode.Connect);

        bool ipv4 = parse.GetValue(cli.IPv4), ipv6 = parse.GetValue(cli.IPv6);
        if (ipv4 && ipv6)
            throw new UsageException("cannot use -4 with -6");

        if (parse.GetValue(cli.NoShutdown) && parse.GetValue(cli.ShutdownAtEof))
            throw new UsageException("cannot use --no-shutdown with -N");

        var options = new DotcatOptions
        {
            Mode = mode,
            Transport = TransportOf(parse.GetValue(cli.Udp), parse.GetValue(cli.UnixSocket)),
            Family = ipv4 ? IpFamily.IPv4 : ipv6 ? IpFamily.IPv6 : IpFamily.Any,
            KeepOpen = parse.GetValue(cli.KeepOpen),
            MaxConnections = parse.GetValue(cli.MaxConnections),
            SourceAddress = parse.GetValue(cli.Source),
            ConnectTimeout = parse.GetValue(cli.Wait),
            IdleTimeout = parse.GetValue(cli.IdleTimeout),
            HalfClose = !parse.GetValue(cli.NoShutdown),
            ReuseAddress = parse.GetValue(cli.ReuseAddr),
            ReusePort = parse.GetValue(cli.ReusePort),
            NumericOnly = parse.GetValue(cli.NoDns),
            Verbosity = parse.GetResult(cli.Verbose)?.IdentifierTokenCount ?? 0,
            Color = parse.GetValue(cli.Color),
        };

        options = options with { QuitAfterEof = parse.GetValue(cli.Quit) ?? DefaultQuitAfterEof(options) };
        options = parse.GetValue(cli.Scan)
            ? BindScan(options, parse.GetValue(cli.Endpoint) ?? [], parse.GetValue(cli.SourcePort))
            : BindEndpoint(options, parse.GetValue(cli.Endpoint) ?? [], parse.GetValue(cli.SourcePort));
        options = BindServer(cli, parse, options);
        CheckModeRules(options);
        options = BindToolbox(cli, parse, options);
        return options;
    }

    /// <summary>
    /// Datagrams have no EOF, so a datagram client would never end: it waits 1 s for stragglers (SPEC section 3).
    /// A listener keeps serving (an empty or /dev/null stdin must not stop it from receiving).
    /// </summary>
    private static TimeSpan DefaultQuitAfterEof(DotcatOptions options) =>
        options.IsDatagram && options.Mode == Mode.Connect ? TimeSpan.FromSeconds(1) : Timeout.InfiniteTimeSpan;

    private static Transport TransportOf(bool udp, bool unix) => (udp, unix) switch
    {
        (false, false) => Transport.Tcp,
        (true, false) => Transport.Udp,
        (false, true) => Transport.UnixStream,
        (true, true) => Transport.UnixDatagram,
    };

    private static DotcatOptions BindEndpoint(DotcatOptions options, string[] operands, int? portOption)
    {
        if (options.IsUnix)
            return BindUnixPath(options, operands, portOption);

        if (options.Mode == Mode.Connect)
        {
            if (operands.Length < 2)
                throw new UsageException(operands.Length == 0 ? "missing HOST and PORT" : "missing PORT after HOST");
            return options with
            {
                Host = CheckHost(options, operands[0]),
                Port = ParsePort(operands[1], allowZero: false),
                SourcePort = portOption,
            };
        }

        // Listen: PORT, HOST PORT, -p PORT, or HOST -p PORT.
        return (operands.Length, portOption) switch
        {
            (0, null) => throw new UsageException("missing PORT to listen on"),
            (0, int port) => options with { Port = port },
            (1, null) => options with { Port = ParsePort(operands[0], allowZero: true) },
            (1, int port) => options with { Host = CheckHost(options, operands[0]), Port = port },
            (_, null) => options with { Host = CheckHost(options, operands[0]), Port = ParsePort(operands[1], allowZero: true) },
            _ => throw new UsageException("cannot use -p/--source-port with a PORT operand in listen mode"),
        };
    }

    /// <summary>
    /// <c>--respond</c>, <c>-e</c>/<c>-c</c>, <c>--broker</c>/<c>--chat</c>: at most one of them answers clients.
    /// Responders and the broker serve until interrupted, so they imply <c>-k</c>.
    /// </summary>
    private static DotcatOptions BindServer(DotcatCommand cli, ParseResult parse, DotcatOptions options)
    {
        string? respond = parse.GetValue(cli.Respond), exec = parse.GetValue(cli.Exec), shell = parse.GetValue(cli.ShellExec);
        string? timeFormat = parse.GetValue(cli.TimeFormat);
        bool broker = parse.GetValue(cli.Broker), chat = parse.GetValue(cli.Chat);

        (string Name, bool Given)[] servers =
        [
            ("--respond", respond is not null), ("-e/--exec", exec is not null), ("-c/--sh-exec", shell is not null),
            ("--broker", broker), ("--chat", chat),
        ];
        var given = servers.Where(s => s.Given).Select(s => s.Name).ToList();
        if (given.Count == 2 && !(broker && chat))
            throw new UsageException($"cannot use {given[0]} with {given[1]}");
        if (given.Count > 2)
            throw new UsageException($"cannot use {given[0]} with {given[^1]}");

        Responder? responder = respond is null ? null : ResponderCatalog.Find(respond, new ResponderSettings());
        if (timeFormat is not null && responder is not TimeResponder)
            throw new UsageException("--time-format needs --respond time");
        if (options.Mode != Mode.Listen && (responder is not null || broker || chat))
            throw new UsageException($"{given[0]} needs -l/--listen");
        // The broker joins stream connections. Over datagrams, exec serves the first peer, as the relay does.
        if (options.IsDatagram && (broker || chat))
            throw new UsageException($"cannot use {given[0]} with -u/--udp");
        if (options.IsDatagram && (exec ?? shell) is not null && options.KeepOpen)
            throw new UsageException($"cannot use {given[0]} with -k/--keep-open over datagrams (exec serves the first peer)");

        return options with
        {
            Responder = responder?.Name,
            TimeFormat = timeFormat ?? Strftime.DefaultFormat,
            Exec = exec is not null ? ExecCommand.Direct(exec) : shell is not null ? ExecCommand.Shell(shell) : null,
            Broker = chat ? BrokerKind.Chat : broker ? BrokerKind.Broker : BrokerKind.None,
            KeepOpen = options.KeepOpen || responder is not null || broker || chat,
        };
    }

    /// <summary>With -U the one operand is the socket's PATH, in both modes; ports have no place.</summary>
    private static DotcatOptions BindUnixPath(DotcatOptions options, string[] operands, int? portOption)
    {
        if (portOption is not null)
            throw new UsageException("cannot use -p/--source-port with -U/--unixsock");
        if (options.SourceAddress is not null)
            throw new UsageException("cannot use -s/--source with -U/--unixsock");
        if (options.Family != IpFamily.Any)
            throw new UsageException($"cannot use {(options.Family == IpFamily.IPv4 ? "-4" : "-6")} with -U/--unixsock");
        return operands switch
        {
            [] or [""] => throw new UsageException("missing PATH for -U/--unixsock"),
            [string path] => options with { UnixPath = path },
            _ => throw new UsageException($"cannot use a PORT ('{operands[^1]}') with -U/--unixsock: its one operand is the PATH"),
        };
    }

    private static void CheckModeRules(DotcatOptions options)
    {
        if (options.Mode == Mode.Connect)
        {
            if (options.KeepOpen)
                throw new UsageException("-k/--keep-open needs -l/--listen");
            if (options.SourceAddress is { } source)
                CheckHost(options, source);
            return;
        }

        if (options.SourceAddress is not null)
            throw new UsageException("cannot use -s/--source with -l/--listen (give the address to listen on as HOST)");
    }

    private static string CheckHost(DotcatOptions options, string host)
    {
        string bare = Endpoints.StripBrackets(host);
        if (options.NumericOnly && !Endpoints.IsNumeric(bare))
            throw new UsageException($"-n/--nodns forbids names, and '{host}' is not a numeric address");
        return bare;
    }

    private static int ParsePort(string text, bool allowZero) =>
        Endpoints.TryParsePort(text, out int port) && (allowZero || port != 0)
            ? port
            : throw new UsageException($"invalid port '{text}'");
}
