using System.Runtime.InteropServices;

namespace Dotcat.Relay;

/// <summary>
/// stdin or stdout as plain <c>read(2)</c>/<c>write(2)</c> on the file descriptor, unbuffered. A FileStream over a
/// regular file keeps an offset of its own (pread/pwrite) and leaves the descriptor's shared offset where it was, so in
/// <c>{ echo a; dotcat …; echo b; } &gt; out</c> the shell's next write would land on top of dotcat's bytes. A write to
/// a pipe whose reader is gone fails with EPIPE, which <see cref="Stdio.IsBrokenPipe"/> recognises. A descriptor the
/// parent left non-blocking (O_NONBLOCK on a shared pipe or terminal) answers EAGAIN when it is not ready; dotcat then
/// waits for it with poll(2) and tries again, as socat does, instead of failing. The wait blocks the calling thread as
/// a blocking read or write would: stdin is read on a thread of its own, and stdout writes are plain blocking writes.
/// </summary>
internal sealed partial class FdStream(int fd, FileAccess access, bool dropFailedWrites = false) : Stream
{
    private const int EINTR = 4;
    private const short POLLIN = 1;
    private const short POLLOUT = 4;

    public override bool CanRead => access == FileAccess.Read;
    public override bool CanWrite => access == FileAccess.Write;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            nint read = SysRead(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (read >= 0)
                return (int)read;
            if (!WaitToRetry(POLLIN))
                throw LastError();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint written = SysWrite(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (written >= 0)
                buffer = buffer[(int)written..];
            else if (dropFailedWrites)
            {
                if (!WaitToRetry(POLLOUT))
                    return;   // stderr's reader is gone: the diagnostic has nowhere to go
            }
            else if (!WaitToRetry(POLLOUT))
                throw LastError();
        }
    }

    public override void Flush() { }

    /// <summary>isatty(3): whether <paramref name="descriptor"/> is a terminal.</summary>
    public static bool IsTerminal(int descriptor) => SysIsATty(descriptor) == 1;

    /// <summary>
    /// What is left to read of <paramref name="descriptor"/> when it is a regular file (or a block device): its size
    /// less its offset; null for a pipe, socket or terminal (no offset) and for a device with no size (<c>/dev/zero</c>).
    /// fstat through <see cref="RandomAccess.GetLength"/>, which moves no offset; asked only after lseek said it can seek.
    /// </summary>
    public static long? RemainingLength(int descriptor)
    {
        long offset = SysLSeek(descriptor, 0, SeekCurrent);
        if (offset < 0)
            return null;
        try
        {
            using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(descriptor, ownsHandle: false);
            long size = RandomAccess.GetLength(handle);
            return size > offset ? size - offset : null;
        }
        catch (Exception e) when (e is IOException or NotSupportedException or UnauthorizedAccessException)
        {
            return null;   // a size the system will not tell is an unknown total, not a failure
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>After a failed read or write: true to retry (at once after a signal, once ready when not ready).</summary>
    private bool WaitToRetry(short readiness)
    {
        int errno = Marshal.GetLastPInvokeError();
        if (errno == EINTR)
            return true;
        if (errno != EAGAIN)
            return false;
        var poll = new PollFd { Fd = fd, Events = readiness };
        // Ready, hung up or in error: the retried call says which. Interrupted: the retried call polls again.
        SysPoll(ref poll, 1, -1);
        return true;
    }

    private static IOException LastError()
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
    }

    /// <summary>EAGAIN (also EWOULDBLOCK): 11 on Linux, 35 on macOS and the BSDs.</summary>
    private static int EAGAIN => OperatingSystem.IsLinux() ? 11 : 35;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private const int SeekCurrent = 1;

    [LibraryImport("libc", EntryPoint = "lseek")]
    private static partial nint SysLSeek(int fd, nint offset, int whence);   // off_t is a C long on every Unix dotcat runs on

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int SysIsATty(int fd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int SysPoll(ref PollFd fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint SysRead(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint SysWrite(int fd, ref readonly byte buffer, nint count);
}
