using System.Buffers;
using System.Numerics;

namespace Dotcat.Relay;

/// <summary>
/// Byte buffers kept for reuse by every thread alike, as <see cref="ReadBuffer"/> explains, and handed out unzeroed: a
/// read fills the bytes the relay then uses, and no code looks past them. Zeroing is not free at a session's first
/// read: 64 KiB cleared by the GC and all of its pages touched, where a 5-byte reply touches one (0.3-0.4 ms of a
/// one-request run on a 2-core VM, A/B). Sizes are powers of two; at most <c>keptPerSize</c> of each are kept.
/// </summary>
internal sealed class BufferPool(int keptPerSize) : ArrayPool<byte>
{
    private readonly Dictionary<int, Stack<byte[]>> _kept = [];

    public override byte[] Rent(int minimumLength)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimumLength, 1));
        lock (_kept)
        {
            if (_kept.TryGetValue(size, out Stack<byte[]>? stack) && stack.TryPop(out byte[]? kept))
                return kept;
        }
        return GC.AllocateUninitializedArray<byte>(size);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        if (!BitOperations.IsPow2(array.Length))
            throw new ArgumentException("the buffer is not from this pool", nameof(array));
        if (clearArray)
            Array.Clear(array);
        lock (_kept)
        {
            if (!_kept.TryGetValue(array.Length, out Stack<byte[]>? stack))
                _kept[array.Length] = stack = new Stack<byte[]>(keptPerSize);
            if (stack.Count < keptPerSize)
                stack.Push(array);
        }
    }
}
