namespace Dotcat.Diagnostics;

/// <summary>
/// A failure the user should see as one <c>dotcat: </c> line; <see cref="ExitCode"/> is what the process returns.
/// Thrown anywhere, turned into its line and exit code by <see cref="ErrorBoundary"/>.
/// </summary>
internal class DotcatException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>True when the message already names the peer (the relay then adds no <c>PEER: </c> prefix).</summary>
    public virtual bool NamesPeer => false;
}

/// <summary>A command line that cannot be run: bad value, missing operand, conflicting options (exit 2).</summary>
internal sealed class UsageException(string message) : DotcatException(message, ExitCodes.Usage);

/// <summary>The reader of our stdout went away: dotcat ends quietly, as <c>cat</c> does on a broken pipe.</summary>
internal sealed class StdoutClosedException(Exception inner)
    : DotcatException("stdout closed", ExitCodes.BrokenPipe, inner);
