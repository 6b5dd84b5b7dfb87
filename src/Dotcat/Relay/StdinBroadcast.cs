namespace Dotcat.Relay;

/// <summary>
/// A keep-open listener's stdin, read once and handed to every connected client. The next chunk is read only after
/// every client took this one, so a slow client slows stdin down instead of filling memory, and nothing is read
/// while no client is there to receive it.
/// </summary>
internal sealed class StdinBroadcast(IByteSource stdin, int bufferSize = 64 * 1024)
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
                return new EmptySource();
            var subscriber = new Subscriber(this);
            _subscribers.Add(subscriber);
            _someoneListening.TrySetResult();
            return subscriber;
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[bufferSize];
        while (true)
        {
            Task someone;
            lock (_gate)
                someone = _someoneListening.Task;
            await someone.WaitAsync(cancellationToken);

            int read = await stdin.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                break;
            Subscriber[] receivers;
            lock (_gate)
                receivers = [.. _subscribers];
            await Task.WhenAll(receivers.Select(s => s.Offer(buffer.AsMemory(0, read))));
        }

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

    private sealed class Subscriber(StdinBroadcast owner) : IByteSource
    {
        private readonly SemaphoreSlim _ready = new(0);
        private ReadOnlyMemory<byte> _chunk;
        private TaskCompletionSource? _taken;
        private volatile bool _ended;

        public Task Offer(ReadOnlyMemory<byte> chunk)
        {
            var taken = NewSignal();
            _taken = taken;
            _chunk = chunk;
            _ready.Release();
            return taken.Task;
        }

        public void End()
        {
            _ended = true;
            _ready.Release();
        }

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_chunk.IsEmpty)
            {
                await _ready.WaitAsync(cancellationToken);
                if (_chunk.IsEmpty && _ended)
                    return 0;
            }
            int count = Math.Min(buffer.Length, _chunk.Length);
            _chunk[..count].CopyTo(buffer);
            _chunk = _chunk[count..];
            if (_chunk.IsEmpty)
                _taken?.TrySetResult();
            return count;
        }

        /// <summary>The client left: stop waiting for it.</summary>
        public void Dispose()
        {
            owner.Remove(this);
            _chunk = default;
            _taken?.TrySetResult();
        }
    }
}
