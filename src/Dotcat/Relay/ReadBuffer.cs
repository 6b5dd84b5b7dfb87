using System.Buffers;

namespace Dotcat.Relay;

/// <summary>
/// One direction's read buffer, borrowed from the shared pool while data flows and given back when it stops, so an
/// idle connection holds none (a keep-open listener's thousand quiet clients cost no buffers). It starts small and
/// grows once to the full size the first time a read fills it (bulk data is flowing); large reads keep transfers near
/// the kernel's speed. Small is 64 KiB, no less: a datagram is read whole or not at all, and the largest one (65,507
/// bytes) must fit the first read (a 16 KiB start cut the first big datagram of a UDP transfer).
/// </summary>
/// <remarks>
/// <para>
/// The pool is dotcat's own (<see cref="BufferPool"/>: unzeroed buffers, one stack per size shared by every thread),
/// not <see cref="ArrayPool{T}.Shared"/>: that one keeps a buffer per thread, and a relay's reads resume on whichever
/// thread-pool thread the socket engine picks, so a 2 GiB transfer ended up with a 1 MiB buffer cached on each of them
/// (a listener's peak RSS grew with the amount received, 11.8 MiB for 256 MiB and 12.3-14.6 for 2 GiB; bench/run.sh
/// memory). Here a buffer given back is the next one taken, whichever thread takes it; the pool keeps at most
/// <see cref="Kept"/> of each size.
/// </para>
/// <para>
/// A buffer whose read or write was abandoned (cancelled, failed) is dropped, never given back: a blocked read of a
/// terminal cannot be cancelled and may still write into it later, so the pool must not hand it to anyone else.
/// </para>
/// </remarks>
internal sealed class ReadBuffer(int fullSize)
{
    public const int InitialSize = 64 * 1024;

    /// <summary>Buffers of each size the pool keeps (one session reads into at most three at once).</summary>
    private const int Kept = 4;

    private static readonly BufferPool s_pool = new(Kept);

    private byte[]? _array;
    private int _size = Math.Min(InitialSize, fullSize);

    /// <summary>True while a buffer is held: data was flowing at the last read, so the next read need not wait first.</summary>
    public bool Held => _array is not null;

    /// <summary>The buffer to read into (borrowed now if none is held).</summary>
    public Memory<byte> Take() => (_array ??= s_pool.Rent(_size)).AsMemory(0, _size);

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
            s_pool.Return(array);
        _array = null;
    }

    /// <summary>Forgets the buffer without giving it back (an abandoned read may still write into it).</summary>
    public void Drop() => _array = null;
}
