using System.Runtime.InteropServices;

namespace Dotcat.Relay;

/// <summary>
/// stdin or stdout as plain <c>read(2)</c>/<c>write(2)</c> on the file descriptor, unbuffered. A FileStream over a
/// regular file keeps an offset of its own (pread/pwrite) and leaves the descriptor's shared offset where it was, so in
/// <c>{ echo a; dotcat …; echo b; } &gt; out</c> the shell's next write would land on top of dotcat's bytes. A write to
/// a pipe whose reader is gone fails with EPIPE, which <see cref="Stdio.IsBrokenPipe"/> recognises.
/// </summary>
internal sealed partial class FdStream(int fd, FileAccess access) : Stream
{
    private const int EINTR = 4;

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
            ThrowUnlessInterrupted();
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
            else
                ThrowUnlessInterrupted();
        }
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static void ThrowUnlessInterrupted()
    {
        int errno = Marshal.GetLastPInvokeError();
        if (errno != EINTR)
            throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint SysRead(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint SysWrite(int fd, ref readonly byte buffer, nint count);
}
