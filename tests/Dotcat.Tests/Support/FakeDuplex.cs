using System.Net.Sockets;
using Dotcat.Relay;

namespace Dotcat.Tests.Support;

/// <summary>
/// A peer in memory: reads return the given chunks one by one, then EOF; writes are collected. Optionally the peer
/// "leaves" after some writes (the next write fails as a reset socket's would).
/// </summary>
internal sealed class FakeDuplex(IEnumerable<byte[]> chunks, int? leaveAfterWrites = null) : Duplex
{
    private readonly Queue<byte[]> _chunks = new(chunks);
    private readonly MemoryStream _written = new();

    public FakeDuplex(params string[] chunks)
        : this(chunks.Select(c => System.Text.Encoding.UTF8.GetBytes(c)))
    {
    }

    public int Writes { get; private set; }
    public bool WritesCompleted { get; private set; }
    public byte[] Written => _written.ToArray();
    public string WrittenText => System.Text.Encoding.UTF8.GetString(Written);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_chunks.TryDequeue(out byte[]? chunk))
            return ValueTask.FromResult(0);
        chunk.CopyTo(buffer);
        return ValueTask.FromResult(chunk.Length);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        WritesCompleted.ShouldBeFalse("written after the half-close");
        if (Writes == leaveAfterWrites)
            throw new SocketException((int)SocketError.ConnectionReset);
        Writes++;
        _written.Write(data.Span);
        return ValueTask.CompletedTask;
    }

    public override ValueTask CompleteWritesAsync()
    {
        WritesCompleted = true;
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A clock stopped at one instant in one zone.</summary>
internal sealed class FixedClock(DateTimeOffset now, TimeZoneInfo zone) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => zone;
}
