using Dotcat.Diagnostics;
using Dotcat.Relay;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Dotcat.Toolbox;

/// <summary>One file chosen by <c>--send</c>: its path relative to the directory searched ('/' separators) and its full path.</summary>
internal sealed record SendFile(string RelativePath, string FullPath);

/// <summary>
/// <c>--send GLOB</c> / <c>--exclude GLOB</c>: the matching files under a directory, in ordinal order of relative path.
/// Globs are literal text, <c>*</c> within one path segment and <c>**</c> across segments, case-sensitive everywhere.
/// </summary>
internal static class SendFiles
{
    public static IReadOnlyList<SendFile> Find(string root, IReadOnlyList<string> includes, IReadOnlyList<string> excludes)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(includes);
        matcher.AddExcludePatterns(excludes);
        PatternMatchingResult result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root)));
        SendFile[] files =
        [
            .. result.Files
                .Select(f => f.Path)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(p => new SendFile(p, Path.GetFullPath(Path.Combine(root, p)))),
        ];
        if (files.Length == 0)
            throw new UsageException($"--send: no file matches {string.Join(", ", includes.Select(g => $"'{g}'"))}" + (excludes.Count > 0 ? " (after --exclude)" : ""));
        foreach (SendFile file in files)
            CheckReadable(file);
        return files;
    }

    /// <summary>An unreadable file is a usage error before anything is sent, not a session cut short.</summary>
    private static void CheckReadable(SendFile file)
    {
        try
        {
            File.OpenHandle(file.FullPath).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--send: cannot read '{file.RelativePath}': {e.Message}");
        }
    }
}

/// <summary>The chosen files' bytes one after the other, then EOF: what <c>--send</c> sends instead of stdin.</summary>
internal sealed class FilesSource(IReadOnlyList<SendFile> files, Log log) : IByteSource
{
    private int _next;
    private FileStream? _current;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_current is null)
            {
                if (_next == files.Count)
                    return 0;
                SendFile file = files[_next++];
                _current = Open(file);
                log.Info($"sending {file.RelativePath} ({_current.Length} bytes)");
            }

            int read = await _current.ReadAsync(buffer, cancellationToken);
            if (read > 0)
                return read;
            await _current.DisposeAsync();
            _current = null;
        }
    }

    public void Dispose() => _current?.Dispose();

    private static FileStream Open(SendFile file)
    {
        try
        {
            return new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DotcatException($"cannot read '{file.RelativePath}': {e.Message}", ExitCodes.Failure, e);
        }
    }
}

/// <summary><c>--recv-only</c>'s input: never any bytes, and never EOF either (EOF would half-close the socket).</summary>
internal sealed class SilentSource : IByteSource
{
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public void Dispose() { }
}
