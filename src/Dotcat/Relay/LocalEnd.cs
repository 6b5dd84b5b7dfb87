namespace Dotcat.Relay;

/// <summary>
/// The local end of a relay: bytes come from <paramref name="input"/> (stdin, the <c>--send</c> files, nothing, or a
/// keep-open listener's share of stdin) and go to stdout. Its write side closes only through
/// <paramref name="closeOutput"/>, given when this conversation is the process's only one (stdout is the process's):
/// then the peer's EOF ends stdout for its reader, as ncat does (<c>dotcat -l 8000 | tar x</c> finishes).
/// </summary>
internal sealed class LocalEnd(IByteSource input, StdoutWriter output, Action? closeOutput = null) : Duplex
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        input.ReadAsync(buffer, cancellationToken);

    public override ValueTask WaitForInputAsync(CancellationToken cancellationToken) => input.WaitForInputAsync(cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        output.WriteAsync(data, cancellationToken);

    public override ValueTask CompleteWritesAsync()
    {
        closeOutput?.Invoke();
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        input.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Somewhere the local end's outgoing bytes come from; 0 from <see cref="ReadAsync"/> is EOF.</summary>
internal interface IByteSource : IDisposable
{
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Completes when a read would not wait; at once where the source cannot tell (see <see cref="Duplex.WaitForInputAsync"/>).</summary>
    ValueTask WaitForInputAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>The plain sources: a stream, nothing at all, and silence.</summary>
internal static class ByteSources
{
    /// <summary>At EOF from the start (a datagram peer that cannot be answered, a client after stdin ended).</summary>
    public static IByteSource Empty { get; } = new EmptySource();

    /// <summary><c>--recv-only</c>: never any bytes, and never EOF either (EOF would half-close the socket).</summary>
    public static IByteSource Silent { get; } = new SilentSource();

    /// <summary>A stream as a source; the stream is left open (it is the caller's).</summary>
    public static IByteSource From(Stream stream) => new StreamSource(stream);

    private sealed class StreamSource(Stream stream) : IByteSource
    {
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            stream.ReadAsync(buffer, cancellationToken);

        public void Dispose()
        {
        }
    }

    private sealed class EmptySource : IByteSource
    {
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => ValueTask.FromResult(0);

        public void Dispose()
        {
        }
    }

    private sealed class SilentSource : IByteSource
    {
        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public void Dispose()
        {
        }
    }
}
