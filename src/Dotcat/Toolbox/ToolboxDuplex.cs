using Dotcat.Relay;
using Dotcat.Text;

namespace Dotcat.Toolbox;

/// <summary>
/// The local end of a session seen through the toolbox, so <see cref="DuplexRelay"/> needs no flag for any of it:
/// outgoing bytes get CRLF line ends (<c>-C</c>) and are handed out a line at a time with a pause between lines
/// (<c>-d</c>); both directions are recorded (<c>-o</c>, <c>-x</c>) and counted (<c>--progress</c>); with
/// <c>--send-only</c> what arrives is dropped.
/// </summary>
internal sealed class ToolboxDuplex(Duplex inner, SessionTools tools) : Duplex
{
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private readonly CrlfTranslator? _crlf = tools.Crlf ? new CrlfTranslator() : null;
    private ReadOnlyMemory<byte> _pending;
    private bool _lineSent;

    public override bool HasPendingInput => !_pending.IsEmpty || inner.HasPendingInput;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (_pending.IsEmpty)
        {
            int read = await inner.ReadAsync(_readBuffer, cancellationToken);
            if (read == 0)
                return 0;
            // The translator's result stays valid until its next call, which waits until this is all handed out.
            _pending = _crlf?.Translate(_readBuffer.AsMemory(0, read)) ?? _readBuffer.AsMemory(0, read);
        }

        int take = Math.Min(buffer.Length, _pending.Length);
        if (tools.LineDelay is { } delay)
        {
            if (_lineSent)
                await Task.Delay(delay, cancellationToken);
            int lf = _pending.Span[..take].IndexOf((byte)'\n');
            take = lf < 0 ? take : lf + 1;
            _lineSent = lf >= 0;
        }

        _pending[..take].CopyTo(buffer);
        _pending = _pending[take..];
        tools.Progress?.AddSent(take);
        if (tools.Recorder is not null)
            await tools.Recorder.RecordAsync(Text.HexDump.Sent, buffer[..take], cancellationToken);
        return take;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        tools.Progress?.AddReceived(data.Length);
        if (tools.Recorder is not null)
            await tools.Recorder.RecordAsync(Text.HexDump.Received, data, cancellationToken);
        if (!tools.SendOnly)
            await inner.WriteAsync(data, cancellationToken);
    }

    public override ValueTask CompleteWritesAsync() => inner.CompleteWritesAsync();

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
