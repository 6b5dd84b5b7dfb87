using System.Threading.Channels;
using Dotcat.Diagnostics;

namespace Dotcat.Relay;

/// <summary>
/// stdin, read once and handed to every connected client: a keep-open listener's relays and the broker's members
/// each <see cref="Subscribe"/>. The next chunk is read only after every client took this one, so a slow client slows
/// stdin down instead of filling memory, and nothing is read while no client is there to receive it. When stdin ends,
/// or fails (reported once), every client, present and future, reads EOF.
/// </summary>
internal sealed class StdinFanOut(IByteSource stdin, Log log, int bufferSize = 64 * 1024)
{
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private TaskCompletionSource _someoneListening = NewSignal();
    private bool _ended;

    /// <summary>A source for one client: the chunks read from now on, then EOF when stdin ends.</summary>
    public IByteSource Subscribe()
    {
        lock (_gate)
        {
            if (_ended)
                return ByteSources.Empty;
            var subscriber = new Subscriber(this);
            _subscribers.Add(subscriber);
            _someoneListening.TrySetResult();
            return subscriber;
        }
    }

    /// <summary>Runs until stdin ends, fails or the run is cancelled; never throws (a failure is logged).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadAllAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // `dotcat -lk PORT < /`: said once, then every client sees stdin's end.
            ErrorBoundary.Report(e, log);
        }
        End();
    }

    private async Task ReadAllAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task someone;
            lock (_gate)
                someone = _someoneListening.Task;
            await someone.WaitAsync(cancellationToken);

            // A fresh buffer per chunk: clients take it at their own pace, so it cannot be reused under them.
            var buffer = new byte[bufferSize];
            int read = await stdin.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                return;
            Subscriber[] receivers;
            lock (_gate)
                receivers = [.. _subscribers];
            await Task.WhenAll(receivers.Select(s => s.OfferAsync(buffer.AsMemory(0, read))));
        }
    }

    private void End()
    {
        lock (_gate)
        {
            _ended = true;
            foreach (Subscriber subscriber in _subscribers)
                subscriber.End();
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
            if (_subscribers.Count == 0 && !_ended)
                _someoneListening = NewSignal();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// One client's view of stdin: a one-chunk queue, so the fan-out waits for the slowest client before reading more.
    /// </summary>
    private sealed class Subscriber(StdinFanOut owner) : IByteSource
    {
        private readonly Channel<ReadOnlyMemory<byte>> _chunks = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        private ReadOnlyMemory<byte> _current;

        public async Task OfferAsync(ReadOnlyMemory<byte> chunk)
        {
            try
            {
                await _chunks.Writer.WriteAsync(chunk);
            }
            catch (ChannelClosedException)
            {
                // The client left meanwhile; the others still get the chunk.
            }
        }

        /// <summary>stdin ended: EOF once the queued chunk is taken.</summary>
        public void End() => _chunks.Writer.TryComplete();

        /// <summary>An idle client waits here, holding no buffer, until stdin gives a chunk or ends.</summary>
        public async ValueTask WaitForInputAsync(CancellationToken cancellationToken)
        {
            if (_current.IsEmpty)
                await _chunks.Reader.WaitToReadAsync(cancellationToken);
        }

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            while (_current.IsEmpty)
            {
                if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
                    return 0;
                _chunks.Reader.TryRead(out _current);
            }
            int count = Math.Min(buffer.Length, _current.Length);
            _current[..count].CopyTo(buffer);
            _current = _current[count..];
            return count;
        }

        /// <summary>The client left: stop waiting for it.</summary>
        public void Dispose()
        {
            owner.Remove(this);
            _chunks.Writer.TryComplete();
        }
    }
}
