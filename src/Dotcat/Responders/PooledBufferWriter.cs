using System.Buffers;

namespace Dotcat.Responders;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays borrowed from the shared pool and given back on dispose, so a reply
/// being built costs memory only while it exists: nothing is borrowed before the first write, and
/// <see cref="Release"/> gives the array back between replies.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int SmallestArray = 256;
    private byte[] _buffer = [];

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - WrittenCount);
        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    /// <summary>Forgets what was written, keeping the array for the next reply.</summary>
    public void Clear() => WrittenCount = 0;

    /// <summary>Forgets what was written and gives the array back; the writer stays usable.</summary>
    public void Release()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        WrittenCount = 0;
    }

    public void Dispose() => Release();

    private void Reserve(int sizeHint)
    {
        int needed = WrittenCount + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
            return;
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(needed, SmallestArray), _buffer.Length * 2));
        _buffer.AsSpan(0, WrittenCount).CopyTo(larger);
        int written = WrittenCount;
        Release();
        _buffer = larger;
        WrittenCount = written;
    }
}
