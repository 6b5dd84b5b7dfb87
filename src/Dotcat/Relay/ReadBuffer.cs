using System.Buffers;

namespace Dotcat.Relay;

/// <summary>
/// One direction's read buffer, borrowed from the shared pool while data flows and given back when it stops, so an
/// idle connection holds none (a keep-open listener's thousand quiet clients cost no buffers). It starts small and
/// grows once to the full size the first time a read fills it (bulk data is flowing); large reads keep transfers near
/// the kernel's speed.
/// </summary>
/// <remarks>
/// A buffer whose read or write was abandoned (cancelled, failed) is dropped, never given back: a blocked read of a
/// terminal cannot be cancelled and may still write into it later, so the pool must not hand it to anyone else.
/// </remarks>
internal sealed class ReadBuffer(int fullSize)
{
    public const int InitialSize = 64 * 1024;

    private byte[]? _array;
    private int _size = Math.Min(InitialSize, fullSize);

    /// <summary>True while a buffer is held: data was flowing at the last read, so the next read need not wait first.</summary>
    public bool Held => _array is not null;

    /// <summary>The buffer to read into (borrowed now if none is held).</summary>
    public Memory<byte> Take() => (_array ??= ArrayPool<byte>.Shared.Rent(_size)).AsMemory(0, _size);

    /// <summary>
    /// After a read of <paramref name="count"/> bytes was handled: a full read keeps the buffer (more is coming; a
    /// small one is swapped for a full-size one), a short one gives it back (the data has stopped, for now).
    /// </summary>
    public void Used(int count)
    {
        if (count == _size && _size == fullSize)
            return;
        if (count == _size)
            _size = fullSize;
        Release();
    }

    /// <summary>Gives the buffer back; only when nothing can still be reading into it.</summary>
    public void Release()
    {
        if (_array is { } array)
            ArrayPool<byte>.Shared.Return(array);
        _array = null;
    }

    /// <summary>Forgets the buffer without giving it back (an abandoned read may still write into it).</summary>
    public void Drop() => _array = null;
}
