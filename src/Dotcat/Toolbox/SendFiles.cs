using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Dotcat.Toolbox;

/// <summary>
/// <c>--send GLOB</c> / <c>--exclude GLOB</c>: the matching files under a directory, in ordinal order of relative path.
/// Globs are literal text, <c>*</c> within one path segment and <c>**</c> across segments, case-sensitive everywhere.
/// </summary>
internal static class SendFiles
{
    /// <summary>The files, or none and the <paramref name="problem"/> (no match, an unreadable file) the binder reports.</summary>
    public static IReadOnlyList<FileToSend> Find(string root, IReadOnlyList<string> includes, IReadOnlyList<string> excludes, out string? problem)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(includes);
        matcher.AddExcludePatterns(excludes);
        PatternMatchingResult result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root)));
        FileToSend[] files =
        [
            .. result.Files
                .Select(f => f.Path)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(p => new FileToSend(p, Path.GetFullPath(Path.Combine(root, p)))),
        ];
        problem = files.Length == 0
            ? $"--send: no file matches {string.Join(", ", includes.Select(g => $"'{g}'"))}" + (excludes.Count > 0 ? " (after --exclude)" : "")
            : files.Select(Unreadable).FirstOrDefault(p => p is not null);
        return problem is null ? files : [];
    }

    /// <summary>An unreadable file is a usage error before anything is sent, not a session cut short.</summary>
    private static string? Unreadable(FileToSend file)
    {
        try
        {
            File.OpenHandle(file.FullPath).Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--send: cannot read '{file.RelativePath}': {SystemErrors.Describe(e)}";
        }
    }
}

/// <summary>The chosen files' bytes one after the other, then EOF: what <c>--send</c> sends instead of stdin.</summary>
internal sealed class FilesSource(IReadOnlyList<FileToSend> files, Log log) : IByteSource
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
                FileToSend file = files[_next++];
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

    /// <summary>The files' sizes together (for <c>--progress</c>); null when one cannot be asked any more.</summary>
    public static long? TotalLength(IReadOnlyList<FileToSend> files)
    {
        long total = 0;
        foreach (FileToSend file in files)
        {
            var info = new FileInfo(file.FullPath);
            if (!info.Exists)
                return null;   // gone since the binder looked: reading it will say so
            total += info.Length;
        }
        return total;
    }

    private static FileStream Open(FileToSend file)
    {
        try
        {
            return new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DotcatException($"cannot read '{file.RelativePath}': {SystemErrors.Describe(e)}", ExitCodes.Failure, e);
        }
    }
}
