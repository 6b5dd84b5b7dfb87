using System.Security.Cryptography;

namespace Dotcat.Tests.Support;

/// <summary>A fact that needs another program (a peer such as socat or nc.openbsd) on PATH; reported skipped without it.</summary>
internal sealed class PeerFactAttribute : FactAttribute
{
    public PeerFactAttribute(string program)
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix-like system";
        else if (Peers.Find(program) is null)
            Skip = $"{program} is not installed";
    }
}

/// <summary>The same for theories.</summary>
internal sealed class PeerTheoryAttribute : TheoryAttribute
{
    public PeerTheoryAttribute(string program)
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix-like system";
        else if (Peers.Find(program) is null)
            Skip = $"{program} is not installed";
    }
}

/// <summary>
/// A fact that sends the process a signal. A process started in the background by a non-interactive shell inherits
/// SIGINT ignored (and .NET keeps it so), so SIGINT tests report skipped there instead of failing.
/// </summary>
internal sealed class SignalTheoryAttribute : TheoryAttribute
{
    /// <param name="signal">The signal the test sends (the test is skipped when this process ignores it).</param>
    public SignalTheoryAttribute(int signal)
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs POSIX signals";
        else if (IsIgnoredHere(signal))
            Skip = $"signal {signal} is ignored in this environment (started in the background by a shell)";
    }

    public static bool IsIgnoredHere(int signal)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }
}

internal static class Peers
{
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    public static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>
/// A process's stdout as it arrives: counts and hashes the bytes, and lets a test wait until a number of them came,
/// so a transfer can go chunk by chunk (UDP drops what a full receive buffer cannot hold) without sleeping.
/// </summary>
internal sealed class ProgressStream : WriteOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream _all = new();
    private readonly Lock _gate = new();
    private readonly List<(long Count, TaskCompletionSource Done)> _waiters = [];
    private long _count;

    public long Count
    {
        get
        {
            lock (_gate)
                return _count;
        }
    }

    public byte[] ToArray()
    {
        lock (_gate)
            return _all.ToArray();
    }

    public byte[] Sha256()
    {
        lock (_gate)
            return _hash.GetCurrentHash();
    }

    /// <summary>Completes once at least <paramref name="count"/> bytes arrived in total.</summary>
    public Task WaitForAsync(long count, TimeSpan? timeout = null)
    {
        lock (_gate)
        {
            if (_count >= count)
                return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(timeout ?? DotcatProcess.DefaultTimeout);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _hash.AppendData(buffer);
            _all.Write(buffer);
            _count += buffer.Length;
            foreach ((long wanted, TaskCompletionSource done) in _waiters.Where(w => _count >= w.Count).ToList())
            {
                done.TrySetResult();
                _waiters.Remove((wanted, done));
            }
        }
    }

    public override long Length => Count;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _all.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A fresh short temporary folder for Unix socket paths (sun_path is at most 104–108 bytes), deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public DirectoryInfo Info { get; } = Directory.CreateTempSubdirectory("dc");

    public string Path(string name) => System.IO.Path.Combine(Info.FullName, name);

    public void Dispose()
    {
        try
        {
            Info.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A theory that needs IPv6 on this machine (the loopback ::1); reported skipped without it.</summary>
internal sealed class IPv6TheoryAttribute : TheoryAttribute
{
    public IPv6TheoryAttribute()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
            Skip = "needs IPv6";
    }
}
