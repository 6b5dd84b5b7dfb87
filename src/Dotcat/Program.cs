using System.Net.Sockets;
using System.Text;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Modes;
using Dotcat.Relay;
using Dotcat.Scan;

namespace Dotcat;

internal static class Program
{
    public static int Main(string[] args)
    {
        StandardDescriptors.Check();   // first: closed fds 0-2 are /dev/null before anything can take their numbers
        // Scripts probe for dotcat with --version; answer it before the command line is built, at the runtime's own
        // start-up cost (the parse, the console and async machinery would double it).
        if (args is ["--version"])
        {
            try
            {
                Stdio.OpenStdout().Write(Encoding.ASCII.GetBytes(DotcatCommand.Version + "\n"));
            }
            catch (IOException e) when (Stdio.IsBrokenPipe(e))
            {
                return ExitCodes.BrokenPipe;
            }
            return ExitCodes.Success;
        }
        return RunAsync(args).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string[] args)
    {
        CommandLineRequest request = CommandLine.Parse(args);
        if (request.UsageError is { } usage)
        {
            new Log(Stdio.Stderr, color: StderrColor(ColorMode.Auto)).Error(usage);
            return ExitCodes.Usage;
        }
        if (request.BuiltInAction is { } builtIn)
            return await BuiltInActions.InvokeAsync(builtIn);   // --help, --version, --completions

        DotcatOptions options = request.Options!;
        var log = new Log(Stdio.Stderr, options.Verbosity, StderrColor(options.Color));
        using var cancel = new CancellationTokenSource();
        using var signals = new Signals(cancel);
        int exitCode = await RunModeAsync(options, log, cancel.Token);
        return signals.ExitCode ?? exitCode;
    }

    private static bool StderrColor(ColorMode mode) =>
        Term.StderrColor(mode, Environment.GetEnvironmentVariable, !Stdio.StderrIsTerminal);

    /// <summary>The one place failures become exit codes; users see one line, never a stack trace.</summary>
    private static async Task<int> RunModeAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
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
        catch (Exception e)
        {
            // A bug: still one line, not a stack trace; -vv shows where.
            log.Error($"internal error: {e.Message}");
            log.Info(e.ToString().ReplaceLineEndings(" | "), level: 2);
            return ExitCodes.Failure;
        }
    }
}
