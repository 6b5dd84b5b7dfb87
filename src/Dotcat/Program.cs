using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Modes;
using Dotcat.Scan;

namespace Dotcat;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var cli = new DotcatCommand();
        (Mode? spelledMode, string[] rest) = SplitSpelledMode(args);
        ParseResult parse = cli.Parse(rest);

        if (parse.Errors.Count > 0)
        {
            // An unknown --option also takes a positional slot, pushing a real operand out; name the cause, not the symptom.
            ParseError first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("unknown option", StringComparison.Ordinal)) ?? parse.Errors[0];
            return UsageError(first.Message);
        }
        if (parse.Action is not null)
            return await parse.InvokeAsync();   // --help, --version

        DotcatOptions options;
        try
        {
            options = OptionsBinder.Bind(cli, parse, spelledMode);
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
        }

        bool color = Term.StderrColor(options.Color, Environment.GetEnvironmentVariable, Console.IsErrorRedirected);
        var log = new Log(Console.Error, options.Verbosity, color);
        using var cancel = new CancellationTokenSource();
        using var signals = new Signals(cancel);
        int exitCode = await RunAsync(options, log, cancel.Token);
        return signals.ExitCode ?? exitCode;
    }

    /// <summary>The one place failures become exit codes; users see one line, never a stack trace.</summary>
    private static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        try
        {
            if (options.IsScan)
                return await PortScanner.RunAsync(options, log, cancellationToken);
            return options.Mode == Mode.Listen
                ? await ListenMode.RunAsync(options, log, cancellationToken)
                : await ConnectMode.RunAsync(options, log, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (StdoutClosedException)
        {
            return ExitCodes.BrokenPipe;
        }
        catch (DotcatException e)
        {
            log.Error(e.Message);
            return e.ExitCode;
        }
        catch (SocketException e)
        {
            log.Error(SocketErrors.Describe(e.SocketErrorCode));
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error(e.Message);
            return ExitCodes.Failure;
        }
    }

    /// <summary><c>dotcat connect ...</c> and <c>dotcat listen ...</c>: the mode spelled out as the first word.</summary>
    private static (Mode? Spelled, string[] Remaining) SplitSpelledMode(string[] args) => args switch
    {
        ["connect", .. var rest] => (Mode.Connect, rest),
        ["listen", .. var rest] => (Mode.Listen, rest),
        _ => (null, args),
    };

    private static int UsageError(string message)
    {
        // System.CommandLine's messages are sentences ("Unrecognized command or argument 'x'."); dotcat's are fragments.
        // ...and some span lines ("Must be one of:" then a value per line); a diagnostic is one line.
        string text = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
        if (text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]))
            text = char.ToLowerInvariant(text[0]) + text[1..];
        Console.Error.WriteLine("dotcat: " + text);
        return ExitCodes.Usage;
    }
}
