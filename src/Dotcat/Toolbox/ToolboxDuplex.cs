using System.Runtime.CompilerServices;
using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Toolbox;

/// <summary>
/// The local end of a relay seen through the toolbox, so <see cref="DuplexRelay"/> needs no flag for any of it:
/// outgoing bytes get CRLF line ends (<c>-C</c>) and are handed out a line at a time with a pause between lines
/// (<c>-d</c>); both directions are recorded (<c>-o</c>, <c>-x</c>) and counted (<c>--progress</c>); with
/// <c>--send-only</c> what arrives is dropped. Only <c>-C</c> and <c>-d</c> change what is read, so only they stage
/// it in a buffer of their own; otherwise reads go straight into the relay's buffer, at the relay's size.
/// </summary>
internal sealed class ToolboxDuplex(Duplex inner, ToolboxRun tools) : Duplex
{
    private readonly CrlfTranslator? _crlf = tools.Options.Crlf ? new CrlfTranslator() : null;
    private readonly TimeSpan? _lineDelay = tools.Options.LineDelay;
    private byte[]? _staging;
    private ReadOnlyMemory<byte> _pending;
    private bool _lineSent;

    private bool Transforms => _crlf is not null || _lineDelay is not null;

    public override ValueTask WaitForInputAsync(CancellationToken cancellationToken) =>
        _pending.IsEmpty ? inner.WaitForInputAsync(cancellationToken) : ValueTask.CompletedTask;

    // Pooled, as the relay's own read wrappers: an async read that completes later must not allocate a box each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        if (Transforms)
        {
            read = await ReadTransformedAsync(buffer, cancellationToken);
        }
        else
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
            tools.Progress?.AddInput(read);
        }
        if (read == 0)
            return 0;
        tools.Progress?.AddSent(read);
        if (tools.Recorder is not null)
            await tools.Recorder.RecordAsync(HexDump.Sent, buffer[..read], cancellationToken);
        return read;
    }

    private async ValueTask<int> ReadTransformedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (_pending.IsEmpty)
        {
            _staging ??= new byte[64 * 1024];
            int read = await inner.ReadAsync(_staging, cancellationToken);
            if (read == 0)
                return 0;
            tools.Progress?.AddInput(read);
            // The translator's result stays valid until its next call, which waits until this is all handed out.
            _pending = _crlf?.Translate(_staging.AsMemory(0, read)) ?? _staging.AsMemory(0, read);
        }

        int take = Math.Min(buffer.Length, _pending.Length);
        if (_lineDelay is { } delay)
        {
            if (_lineSent)
                await Task.Delay(delay, cancellationToken);
            int lf = _pending.Span[..take].IndexOf((byte)'\n');
            take = lf < 0 ? take : lf + 1;
            _lineSent = lf >= 0;
        }

        _pending[..take].CopyTo(buffer);
        _pending = _pending[take..];
        return take;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        tools.Progress?.AddReceived(data.Length);
        if (tools.Recorder is not null)
            await tools.Recorder.RecordAsync(HexDump.Received, data, cancellationToken);
        if (!tools.Options.SendOnly)
            await inner.WriteAsync(data, cancellationToken);
    }

    public override ValueTask CompleteWritesAsync() => inner.CompleteWritesAsync();

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
