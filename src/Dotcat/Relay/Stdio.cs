using System.Runtime.CompilerServices;
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

    public static Stream OpenStdin() => OperatingSystem.IsWindows() ? Console.OpenStandardInput() : new FdStream(0, FileAccess.Read);

    public static Stream OpenStdout() => OperatingSystem.IsWindows() ? Console.OpenStandardOutput() : new FdStream(1, FileAccess.Write);

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
            throw new DotcatException($"cannot write to stdout: {e.Message}", ExitCodes.Failure, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
