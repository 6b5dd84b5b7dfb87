using System.Net.Sockets;

namespace Dotcat.Diagnostics;

/// <summary>
/// Where a failure becomes what the user sees: one <c>dotcat: </c> line (never .NET's text or a stack trace) and an
/// exit code. Program uses it for the run; a keep-open listener for each client's failure, which ends only that client.
/// </summary>
internal static class ErrorBoundary
{
    /// <summary>Logs <paramref name="failure"/>'s line (none for a closed stdout) and returns its exit code.</summary>
    public static int Report(Exception failure, Log log)
    {
        switch (failure)
        {
            case StdoutClosedException:
                return ExitCodes.BrokenPipe;
            case DotcatException e:
                log.Error(e.Message);
                return e.ExitCode;
            case SocketException e:
                log.Error(SocketErrors.Describe(e.SocketErrorCode));
                return ExitCodes.Failure;
            case IOException or UnauthorizedAccessException:
                log.Error(SystemErrors.Describe(failure));
                return ExitCodes.Failure;
            default:
                // A bug: one line naming the exception, never a trace (the only place an exception's own text is shown).
                log.Error($"internal error: {failure.GetType().Name}: {failure.Message.ReplaceLineEndings(" ")}");
                return ExitCodes.Failure;
        }
    }
}
