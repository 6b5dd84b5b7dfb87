using System.Runtime.CompilerServices;
using System.Text;
using Dotcat.Diagnostics;

namespace Dotcat.Relay;

/// <summary>
/// The process's stdin and stdout as raw, unbuffered byte streams. Not <c>Console.In/Out</c>: those decode text, and on
/// Unix <c>Console.OpenStandardOutput</c> silently drops writes to a closed pipe, where <see cref="FdStream"/> reports
/// EPIPE so dotcat can stop.
/// </summary>
internal static class Stdio
{
    private const int EPIPE = 32;

    /// <summary>stdin; empty (EOF at once) when the parent closed fd 0 (<see cref="StandardDescriptors"/>).</summary>
    public static Stream OpenStdin() =>
        OperatingSystem.IsWindows() ? Console.OpenStandardInput()
        : StandardDescriptors.IsInherited(0) ? new FdStream(0, FileAccess.Read)
        : Stream.Null;

    /// <summary>stdout; a sink that takes everything when the parent closed fd 1.</summary>
    public static Stream OpenStdout() =>
        OperatingSystem.IsWindows() ? Console.OpenStandardOutput()
        : StandardDescriptors.IsInherited(1) ? new FdStream(1, FileAccess.Write)
        : Stream.Null;

    /// <summary>
    /// Ends stdout for its reader (EOF) when no byte can follow: the peer of a one-connection run has finished sending.
    /// fd 1 becomes <c>/dev/null</c> rather than closed (<see cref="StandardDescriptors.ReplaceWithDevNull"/>).
    /// </summary>
    public static void CloseStdout()
    {
        if (OperatingSystem.IsWindows() || !StandardDescriptors.IsInherited(1))
            return;
        foreach (int copy in StandardDescriptors.RuntimeCopiesOf(1).ToList())
            StandardDescriptors.ReplaceWithDevNull(copy);
        StandardDescriptors.ReplaceWithDevNull(1);
    }

    /// <summary>
    /// stderr for diagnostics. Not <c>Console.Error</c> on Unix: its first write initialises the console, which sends
    /// the terminal's keypad-transmit sequence (<c>ESC[?1h ESC=</c>) and leaves the terminal in keypad mode after dotcat
    /// exits. A failed write (stderr's reader gone) is dropped, as Console.Error drops it: a diagnostic has nowhere
    /// else to go.
    /// </summary>
    public static TextWriter Stderr { get; } = OperatingSystem.IsWindows() ? Console.Error : OpenStderr();

    /// <summary>True when stdin is a terminal (a person typing: the peer's EOF ends the session, SPEC section 3).</summary>
    public static bool StdinIsTerminal =>
        OperatingSystem.IsWindows() ? !Console.IsInputRedirected : StandardDescriptors.IsInherited(0) && FdStream.IsTerminal(0);

    /// <summary>What stdin still holds when it is a regular file (<see cref="FdStream.RemainingLength"/>), else null.</summary>
    public static long? StdinLength() =>
        !OperatingSystem.IsWindows() && StandardDescriptors.IsInherited(0) ? FdStream.RemainingLength(0) : null;

    /// <summary>True when stderr is a terminal (colour, the progress line); never asks System.Console on Unix.</summary>
    public static bool StderrIsTerminal =>
        OperatingSystem.IsWindows() ? !Console.IsErrorRedirected : StandardDescriptors.IsInherited(2) && FdStream.IsTerminal(2);

    /// <summary>stdout for text (help, completion scripts); like <see cref="Stderr"/>, a closed pipe ends it quietly.</summary>
    public static TextWriter TextStdout => OperatingSystem.IsWindows() ? Console.Out : OpenText(1);

    private static TextWriter OpenStderr() => TextWriter.Synchronized(OpenText(2));

    private static StreamWriter OpenText(int fd)
    {
        Stream stream = StandardDescriptors.IsInherited(fd) ? new FdStream(fd, FileAccess.Write, dropFailedWrites: true) : Stream.Null;
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }

    /// <summary>True when the write failed because the reader of the pipe is gone.</summary>
    public static bool IsBrokenPipe(IOException exception) =>
        (exception.HResult & 0xFFFF) == EPIPE || exception.HResult == unchecked((int)0x8007006D) /* Windows ERROR_BROKEN_PIPE */;
}

/// <summary>
/// stdout shared by every session of a listener: one chunk is written whole before the next one starts, so clients'
/// bytes never interleave inside a read.
/// </summary>
internal sealed class StdoutWriter(Stream stdout) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A plain write, as cat does: stdout is a pipe, file or terminal, where an async write would only move the
            // same blocking call to another thread. A slow reader holds this session back, which is the point.
            stdout.Write(data.Span);
        }
        catch (IOException e) when (Stdio.IsBrokenPipe(e))
        {
            throw new StdoutClosedException(e);
        }
        catch (IOException e)
        {
            throw new DotcatException($"cannot write to stdout: {SystemErrors.Describe(e)}", ExitCodes.Failure, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
