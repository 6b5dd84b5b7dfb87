using Dotcat.Diagnostics;
using Dotcat.Text;

namespace Dotcat.Toolbox;

/// <summary>
/// <c>-o</c> and <c>-x</c>: the session's bytes, both directions in the order they passed, as raw bytes and as a hex
/// dump (<c>&gt;</c> sent, <c>&lt;</c> received). One recorder serves every session of a run, one block at a time.
/// </summary>
internal sealed class SessionRecorder : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Stream? _raw;
    private readonly Stream? _hex;
    private readonly HexDump _dump = new();

    public SessionRecorder(Stream? raw, Stream? hex)
    {
        _raw = raw;
        _hex = hex;
    }

    /// <summary>The recorder for -o/-x, or null when neither is given. A file that cannot be opened fails the run (exit 1).</summary>
    public static SessionRecorder? Open(string? outputFile, string? hexDumpFile, bool append)
    {
        if (outputFile is null && hexDumpFile is null)
            return null;
        Stream? raw = null;
        try
        {
            raw = outputFile is null ? null : OpenFile(outputFile, append, "-o/--output");
            Stream? hex = hexDumpFile is null ? null : OpenFile(hexDumpFile, append, "-x/--hex-dump");
            return new SessionRecorder(raw, hex);
        }
        catch
        {
            raw?.Dispose();
            throw;
        }
    }

    public async ValueTask RecordAsync(char direction, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        if (block.IsEmpty)
            return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_raw is not null)
                await _raw.WriteAsync(block, cancellationToken);
            if (_hex is not null)
                await _hex.WriteAsync(System.Text.Encoding.ASCII.GetBytes(_dump.Format(direction, block.Span)), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_raw is not null)
            await _raw.DisposeAsync();
        if (_hex is not null)
            await _hex.DisposeAsync();
        _gate.Dispose();
    }

    private static FileStream OpenFile(string path, bool append, string option)
    {
        try
        {
            return new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Checked before any socket opens: a file that cannot be written is a bad option value, a usage error.
            throw new DotcatException($"cannot open {option} file '{path}': {Why(path, e)}", ExitCodes.Usage, e);
        }
    }

    /// <summary>The system's reason in dotcat's words (.NET's own sentences name the path again and end with a dot).</summary>
    private static string Why(string path, Exception e) => e switch
    {
        _ when Directory.Exists(path) => "is a directory",
        _ => SystemErrors.Describe(e),
    };
}
