using System.Security.Cryptography;

namespace Dotcat.Tests.Support;

/// <summary>A stream a test only writes to (a process's stdout lands here); everything else is not supported.</summary>
internal abstract class WriteOnlyStream : Stream
{
    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Position { get => Length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>A write-only stream that hashes what it is given, so 64 MiB transfers are compared without keeping them.</summary>
internal sealed class HashingStream : WriteOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Written { get; private set; }

    public byte[] Hash() => _hash.GetCurrentHash();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        Written += buffer.Length;
    }

    public override long Length => Written;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hash.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A reader that takes <c>limit</c> bytes, then leaves (like <c>head -c</c>): further writes fail.</summary>
internal sealed class LeavingReader(int limit) : WriteOnlyStream
{
    public int Taken { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Taken >= limit)
            throw new IOException("reader left");
        Taken += Math.Min(buffer.Length, limit - Taken);
    }

    public override long Length => Taken;
}

/// <summary>Random test data in a temp file, deleted on dispose.</summary>
internal sealed class RandomFile : IDisposable
{
    public RandomFile(int size)
    {
        Path = System.IO.Path.GetTempFileName();
        byte[] data = RandomNumberGenerator.GetBytes(size);
        File.WriteAllBytes(Path, data);
        Hash = SHA256.HashData(data);
    }

    public string Path { get; }
    public byte[] Hash { get; }

    public void Dispose() => File.Delete(Path);
}
