using System.Net.Sockets;
using System.Text;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Model;
using Dotcat.Modes;
using Dotcat.Relay;
using Dotcat.Scan;

namespace Dotcat;

internal static class Program
{
    public static int Main(string[] args)
    {
        InheritedSignals.RestoreChildExitSignal();
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
        // Done beside the parse, on another core where there is one: the first pooled await of the relay
        // (PoolingAsyncValueTaskMethodBuilder) times how fast this machine reads its processor number, some 0.2 ms of
        // CPU (perf) that otherwise sits between the connection and its first byte; and the first socket starts the
        // runtime's socket engine and its epoll thread, which a throwaway socket does here instead of the connect.
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            Thread.GetCurrentProcessorId();
            try
            {
                new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp).Dispose();
            }
            catch (SocketException)
            {
                // No IPv4 here: the run's own first socket starts the engine.
            }
        }, null);
        using var cancel = new CancellationTokenSource();
        using var signals = new Signals(cancel);
        int exitCode = await RunAsync(args, DotcatConsole.FromProcess(), cancel.Token);
        return signals.ExitCode ?? exitCode;
    }

    /// <summary>
    /// A whole run with <paramref name="console"/> as its stdin, stdout and stderr: what the process does, and what
    /// command-level tests run in their own process. Returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, DotcatConsole console, CancellationToken cancellationToken)
    {
        CommandLineRequest request = CommandLine.Parse(args, console.Directory, console.Environment);
        if (request.UsageError is { } usage)
        {
            new Log(console.Stderr, color: StderrColor(request.UsageColor, console)).Error(usage);
            return ExitCodes.Usage;
        }
        if (request.BuiltInAction is { } builtIn)
        {
            // --help, --completions
            await using TextWriter text = console.StdoutText ?? new StreamWriter(console.Stdout, leaveOpen: true) { AutoFlush = true };
            return await BuiltInActions.InvokeAsync(builtIn, text, console.Stderr, console.StdoutColumns, cancellationToken);
        }

        DotcatOptions options = request.Options!;
        var log = new Log(console.Stderr, options.Verbosity, StderrColor(options.Color, console));
        try
        {
            if (options.IsScan)
                return await PortScanner.RunAsync(options, log, cancellationToken);
            return options.Mode == Mode.Listen
                ? await ListenMode.RunAsync(options, console, log, cancellationToken)
                : await ConnectMode.RunAsync(options, console, log, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // The one boundary: every failure becomes one line and an exit code, never a trace.
            return ErrorBoundary.Report(e, log);
        }
    }

    private static bool StderrColor(ColorMode mode, DotcatConsole console) =>
        Term.StderrColor(mode, console.Environment, !console.StderrIsTerminal);
}
