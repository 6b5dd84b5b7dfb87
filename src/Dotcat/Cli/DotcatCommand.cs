using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Dotcat.Model;
using Dotcat.Responders;
using Dotcat.Text;
using Dotcat.Transports;

namespace Dotcat.Cli;

/// <summary>
/// The command line's symbols: every option of SPEC section 2 that dotcat implements, with its help text.
/// Parsing and checking values that stand alone happens here; rules between options live in <see cref="OptionsBinder"/>.
/// </summary>
internal sealed partial class DotcatCommand
{
    private const string Summary = """
        dotcat - a cross-platform netcat

          dotcat [options] HOST [PORT]        connect
          dotcat [options] -l [HOST] [PORT]   listen (also: -l -p PORT)
          dotcat [options] [-l] -U PATH       Unix domain socket (@name: Linux abstract namespace)
          dotcat connect|listen [options] ... the same, spelled out
          dotcat [options] -z HOST PORTS      port scan (PORTS: 22,80,8000-8100)

        PORT defaults to 31337, as in ncat.
        TIME is seconds (1.5) or a number with a unit: 500ms, 2s, 1m, 1h.
        """;

    public Option<bool> IPv4 { get; } = Flag("-4", "IPv4 only");
    public Option<bool> IPv6 { get; } = Flag("-6", "IPv6 only");
    public Option<bool> Udp { get; } = Flag("--udp", "UDP instead of TCP (with -U: Unix datagram sockets)", "-u");
    public Option<bool> UnixSocket { get; } = Flag("--unixsock", "Unix domain socket: the operand is its PATH", "-U");
    public Option<bool> Listen { get; } = Flag("--listen", "Listen instead of connecting", "-l");
    public Option<bool> KeepOpen { get; } = Flag("--keep-open", "Listen: serve clients concurrently and keep listening", "-k");

    public Option<int> MaxConnections { get; } = new("--max-conns", "-m")
    {
        Description = "Most clients served at once",
        HelpName = "N",
        DefaultValueFactory = _ => 100,
        CustomParser = r => ParseWith<int>(r, "--max-conns", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null) ?? 0,
    };

    public Option<string?> Source { get; } = new("--source", "-s")
    {
        Description = "Local address to bind before connecting",
        HelpName = "ADDR",
    };

    public Option<int?> SourcePort { get; } = new("--source-port", "-p")
    {
        Description = "Local port to bind before connecting; with -l, the port to listen on",
        HelpName = "PORT",
        CustomParser = r => ParseWith<int>(r, "port", s => Endpoints.TryParsePort(s, out int p) ? p : null),
    };

    public Option<TimeSpan?> Wait { get; } = TimeOption("--wait", "Connect timeout", "-w");
    public Option<TimeSpan?> IdleTimeout { get; } = TimeOption("--idle-timeout", "End a session (exit 1) after TIME with no data either way", "-i");

    public Option<TimeSpan?> Quit { get; } = new("-q")
    {
        Description = "After EOF on stdin, quit once nothing has arrived for TIME (0 at once, -1 never)",
        HelpName = "TIME",
        CustomParser = r => ParseWith<TimeSpan>(r, "-q", s => s is "-1" ? Timeout.InfiniteTimeSpan : TimeValue.TryParse(s, out TimeSpan t) ? t : null),
    };

    public Option<bool> NoShutdown { get; } = Flag("--no-shutdown", "Do not half-close the socket at EOF on stdin");

    /// <summary>OpenBSD nc's -N (shutdown at EOF) is dotcat's default; accepted so nc command lines work unchanged.</summary>
    public Option<bool> ShutdownAtEof { get; } = Flag("-N", "Half-close at EOF on stdin (the default; for OpenBSD nc command lines)");

    public Option<bool> ReuseAddr { get; } = Flag("--reuseaddr", "Listen: reuse the address (TIME_WAIT, a shared UDP port, a stale Unix socket file)");
    public Option<bool> ReusePort { get; } = Flag("--reuseport", "Listen: SO_REUSEPORT, several listeners share one port");
    public Option<bool> NoDns { get; } = Flag("--nodns", "Numeric addresses only, no name resolution", "-n");

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Diagnostics on stderr; repeat for more (-vv)",
        Arity = ArgumentArity.Zero,
    };

    public Option<ColorMode> Color { get; } = new("--color")
    {
        Description = "Colour stderr diagnostics: auto, always, never",
        HelpName = "WHEN",
    };

    // The toolbox: files, scanning, recording, line handling.
    public Option<string?> Completions { get; } = new("--completions")
    {
        Description = "Print the completion script for SHELL (bash, zsh, fish, pwsh)",
        HelpName = "SHELL",
        Action = new CompletionsAction(),
    };

    public Option<bool> Scan { get; } = Flag("-z", "Scan: report which PORTS accept a connection, send no data");
    public Option<FileInfo> Output { get; } = FileOption("--output", "Copy the session's bytes, both directions in order, to FILE", "-o");
    public Option<FileInfo> HexDump { get; } = FileOption("--hex-dump", "Hex dump of the session to FILE (> sent, < received)", "-x");
    public Option<bool> AppendOutput { get; } = Flag("--append-output", "Append to -o/-x files instead of truncating");
    public Option<bool> Crlf { get; } = Flag("--crlf", "Send LF from stdin as CRLF", "-C");
    public Option<bool> SendOnly { get; } = Flag("--send-only", "Only send: ignore what arrives, end at EOF on stdin");
    public Option<bool> RecvOnly { get; } = Flag("--recv-only", "Only receive: never read stdin, never send");
    public Option<TimeSpan?> Delay { get; } = TimeOption("--delay", "Wait TIME between lines sent", "-d");

    public Option<string[]> Send { get; } = new("--send")
    {
        Description = "Send the files matching GLOB instead of stdin, then half-close (repeatable)",
        HelpName = "GLOB",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = "Leave files matching GLOB out of --send (repeatable)",
        HelpName = "GLOB",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> Progress { get; } = Flag("--progress", "Live bytes and rate on stderr (when stderr is a terminal, or with -v)");

    // Servers: what answers clients instead of stdin/stdout.
    public Option<string?> Respond { get; } = new("--respond")
    {
        Description = "Listen: answer clients with a built-in responder (listed above)",
        HelpName = "NAME",
    };

    public Option<string?> TimeFormat { get; } = new("--time-format")
    {
        Description = "The time responder's default format (default %Y-%m-%d %X)",
        HelpName = "FMT",
    };

    public Option<string?> Exec { get; } = new("--exec", "-e")
    {
        Description = "Connect the socket to a program's stdin/stdout (argv split, no shell)",
        HelpName = "CMD",
    };

    public Option<string?> ShellExec { get; } = new("--sh-exec", "-c")
    {
        Description = "The same through the system shell (/bin/sh -c, cmd.exe /c)",
        HelpName = "CMD",
    };

    public Option<bool> Broker { get; } = Flag("--broker", "Listen: relay each client's data to every other client");
    public Option<bool> Chat { get; } = Flag("--chat", "--broker with <userN> name prefixes and join/leave announcements");

    public Argument<string[]> Endpoint { get; } = new("endpoint")
    {
        Description = "HOST PORT to connect to; [HOST] PORT to listen on",
        HelpName = "host port",
        Arity = new ArgumentArity(0, 2),
        // The words as they are; System.CommandLine's general converter for arrays costs a type lookup at every start.
        CustomParser = static result =>
        {
            string[] words = new string[result.Tokens.Count];
            for (int i = 0; i < words.Length; i++)
                words[i] = result.Tokens[i].Value;
            return words;
        },
    };

    public Command Root { get; }

    /// <summary>The words after <c>--</c>: operands whatever they look like.</summary>
    public HashSet<string> LiteralOperands { get; set; } = [];

    public DotcatCommand()
    {
        Color.AcceptOnlyFromAmong("auto", "always", "never");
        Completions.AcceptOnlyFromAmong([.. CompletionScripts.Shells, "powershell"]);
        Respond.AcceptOnlyFromAmong(ResponderCatalog.Names);
        Endpoint.Validators.Add(r =>
        {
            // System.CommandLine binds an unknown --option to a free positional slot; name it for what it is
            // (unless it came after `--`, which makes every word an operand). Root is set by the time a parse runs.
            foreach (Token token in r.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-' && !LiteralOperands.Contains(token.Value))
                    r.AddError(UnknownOption.Describe(token.Value, Root!));
            }
        });

        Root = new Command("dotcat", Summary + "\n\nResponders (--respond NAME):\n" + ResponderCatalog.Describe())
        {
            // Help lists them in this order: how to connect, how to serve, the toolbox, then diagnostics.
            Listen, KeepOpen, Udp, UnixSocket, IPv4, IPv6, Source, SourcePort, MaxConnections,
            Wait, IdleTimeout, Quit, NoShutdown, ShutdownAtEof, ReuseAddr, ReusePort, NoDns,
            Respond, TimeFormat, Exec, ShellExec, Broker, Chat,
            Scan, Output, HexDump, AppendOutput, Crlf, SendOnly, RecvOnly, Delay, Send, Exclude, Progress,
            Verbose, Color, Completions, BuiltInOptions.Help(), BuiltInOptions.Version(),
            Endpoint,
        };
        foreach (Option option in TlsSymbols)
            Root.Options.Insert(Root.Options.IndexOf(Respond), option);
        AddProxyOptions();
    }

    /// <summary>
    /// The package version, as <c>--version</c> prints it: a constant, because reading the assembly's attribute costs
    /// more start-up than the rest of <c>--version</c>. A test keeps it equal to the project's Version.
    /// </summary>
    public const string Version = "0.1.0";

    /// <summary>The command tree alone, for help and completion generation.</summary>
    public static Command Create() => new DotcatCommand().Root;

    /// <summary>Parses with response files off: <c>@name</c> is an abstract Unix socket, not a file of arguments.</summary>
    public ParseResult Parse(IReadOnlyList<string> args) =>
        Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    private static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>A FILE option: <c>FileInfo</c>, so completion scripts offer file names.</summary>
    private static Option<FileInfo> FileOption(string name, string description, string alias) => new(name, alias)
    {
        Description = description,
        HelpName = "FILE",
    };

    private static Option<TimeSpan?> TimeOption(string name, string description, string alias) => new(name, alias)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = r => ParseWith<TimeSpan>(r, name, s => TimeValue.TryParse(s, out TimeSpan t) ? t : null),
    };

    /// <summary>One token through <paramref name="parse"/>; null from it becomes "invalid port 'X'" or "invalid value 'X' for NAME".</summary>
    private static T? ParseWith<T>(ArgumentResult result, string name, Func<string, T?> parse)
        where T : struct
    {
        string raw = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        T? value = parse(raw);
        if (value is null)
            result.AddError(name is "port" ? $"invalid port '{raw}'" : $"invalid value '{raw}' for {name}");
        return value;
    }
}
