using System.Buffers;
using System.IO.Pipelines;
using Dotcat.Relay;

namespace Dotcat.Tests.Support;

/// <summary>An in-memory connection: what one end writes the other reads; completing writes is the half-close.</summary>
internal sealed class PipeDuplex(PipeReader input, PipeWriter output) : Duplex
{
    public static (PipeDuplex A, PipeDuplex B) CreatePair()
    {
        var aToB = new Pipe();
        var bToA = new Pipe();
        return (new PipeDuplex(bToA.Reader, aToB.Writer), new PipeDuplex(aToB.Reader, bToA.Writer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ReadResult result = await input.ReadAsync(cancellationToken);
        ReadOnlySequence<byte> data = result.Buffer;
        int count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        input.AdvanceTo(data.GetPosition(count));
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        await output.WriteAsync(data, cancellationToken);

    public override ValueTask CompleteWritesAsync() => output.CompleteAsync();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Reads until the other end half-closes.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await ReadAsync(buffer, CancellationToken.None)) > 0)
            all.Write(buffer, 0, read);
        return all.ToArray();
    }
}
