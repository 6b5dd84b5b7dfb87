using System.CommandLine;
using Dotcat.Diagnostics;
using Dotcat.Text;

namespace Dotcat.Cli;

/// <summary>The rules of the netcat toolbox: scanning, -o/-x, -C, -d, --send-only/--recv-only, --send, --progress.</summary>
internal static partial class OptionsBinder
{
    /// <summary><c>-z HOST PORTS</c>: connect mode's operands, the second one a port list.</summary>
    private static DotcatOptions BindScan(DotcatOptions options, string[] operands, int? sourcePort)
    {
        Conflict(options.Mode == Mode.Listen, "-z", "-l/--listen");
        // Every probe is a socket of its own; they cannot all bind one local port.
        Conflict(sourcePort is not null, "-z", "-p/--source-port");
        if (operands.Length < 2)
            throw new UsageException(operands.Length == 0 ? "-z needs HOST and PORTS" : "-z needs PORTS after HOST");
        if (!PortList.TryParse(operands[1], out IReadOnlyList<int> ports, out string? error))
            throw new UsageException(error!);
        return options with { Host = CheckHost(options, operands[0]), ScanPorts = ports };
    }

    private static DotcatOptions BindToolbox(DotcatCommand cli, ParseResult parse, DotcatOptions options)
    {
        options = options with
        {
            OutputFile = parse.GetValue(cli.Output)?.FullName,
            HexDumpFile = parse.GetValue(cli.HexDump)?.FullName,
            AppendOutput = parse.GetValue(cli.AppendOutput),
            Crlf = parse.GetValue(cli.Crlf),
            SendOnly = parse.GetValue(cli.SendOnly),
            RecvOnly = parse.GetValue(cli.RecvOnly),
            LineDelay = parse.GetValue(cli.Delay),
            SendGlobs = parse.GetValue(cli.Send) ?? [],
            ExcludeGlobs = parse.GetValue(cli.Exclude) ?? [],
            Progress = parse.GetValue(cli.Progress),
        };

        Conflict(options.SendOnly && options.RecvOnly, "--send-only", "--recv-only");
        Conflict(options.SendGlobs.Count > 0 && options.RecvOnly, "--send", "--recv-only");
        Conflict(options.Crlf && options.RecvOnly, "-C/--crlf", "--recv-only");
        Conflict(options.LineDelay is not null && options.RecvOnly, "-d/--delay", "--recv-only");
        if (options.AppendOutput && options.OutputFile is null && options.HexDumpFile is null)
            throw new UsageException("--append-output needs -o/--output or -x/--hex-dump");
        if (options.ExcludeGlobs.Count > 0 && options.SendGlobs.Count == 0)
            throw new UsageException("--exclude needs --send");
        if (options.OutputFile is not null && string.Equals(options.OutputFile, options.HexDumpFile, StringComparison.Ordinal))
            throw new UsageException("cannot use the same FILE for -o/--output and -x/--hex-dump");

        if (options.IsScan)
        {
            Conflict(options.IsUnix, "-z", "-U/--unixsock");
            Conflict(options.SendGlobs.Count > 0, "-z", "--send");
            Conflict(options.SendOnly, "-z", "--send-only");
            Conflict(options.RecvOnly, "-z", "--recv-only");
            Conflict(options.OutputFile is not null, "-z", "-o/--output");
            Conflict(options.HexDumpFile is not null, "-z", "-x/--hex-dump");
        }

        // Responders, exec and the broker answer clients themselves: stdin/stdout, and so the toolbox, play no part.
        string? server = parse.GetValue(cli.Respond) is not null ? "--respond"
            : parse.GetValue(cli.Exec) is not null ? "-e/--exec"
            : parse.GetValue(cli.ShellExec) is not null ? "-c/--sh-exec"
            : parse.GetValue(cli.Chat) ? "--chat"
            : parse.GetValue(cli.Broker) ? "--broker"
            : null;
        if (server is not null)
        {
            Conflict(options.OutputFile is not null, "-o/--output", server);
            Conflict(options.HexDumpFile is not null, "-x/--hex-dump", server);
            Conflict(options.Crlf, "-C/--crlf", server);
            Conflict(options.LineDelay is not null, "-d/--delay", server);
            Conflict(options.SendGlobs.Count > 0, "--send", server);
            Conflict(options.SendOnly, "--send-only", server);
            Conflict(options.RecvOnly, "--recv-only", server);
            Conflict(options.Progress, "--progress", server);
        }

        // --send-only ends at stdin's EOF: after the half-close there is nothing left to wait for (unless -q says otherwise).
        if (options.SendOnly && parse.GetValue(cli.Quit) is null)
            options = options with { QuitAfterEof = TimeSpan.Zero };
        return options;
    }

    private static void Conflict(bool both, string first, string second)
    {
        if (both)
            throw new UsageException($"cannot use {first} with {second}");
    }
}
