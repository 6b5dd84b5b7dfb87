using Dotcat.Diagnostics;

namespace Dotcat.Relay;

/// <summary>
/// stdin read on a thread of its own. A read of a terminal, pipe or file blocks and cannot be cancelled; on the
/// thread pool it would hold a pool thread for as long as stdin stays silent, and the pool would answer by starting
/// more threads (memory). Here one thread does every blocking read, and callers await its results. The thread sleeps
/// on a monitor between requests rather than a SemaphoreSlim, which spins first (sched_yield, on the cores the
/// start-up and the relay need).
/// </summary>
internal sealed class StdinReader : IByteSource
{
    private readonly Stream _stdin;
    private readonly object _gate = new();
    private bool _requested;
    private Memory<byte> _buffer;
    private TaskCompletionSource<int>? _result;

    public StdinReader(Stream stdin)
    {
        _stdin = stdin;
        new Thread(ReadLoop) { IsBackground = true, Name = "dotcat stdin" }.Start();
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _buffer = buffer;
            _result = result;
            _requested = true;
            Monitor.Pulse(_gate);
        }
        return new ValueTask<int>(result.Task.WaitAsync(cancellationToken));
    }

    private void ReadLoop()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_requested)
                    Monitor.Wait(_gate);
                _requested = false;
            }
            try
            {
                _result!.SetResult(_stdin.Read(_buffer.Span));
            }
            catch (IOException e)
            {
                // stdin is a directory, a vanished device...: say where the failure is, not just the system's words.
                _result!.SetException(new DotcatException($"cannot read stdin: {SystemErrors.Describe(e)}", ExitCodes.Failure, e));
            }
            catch (Exception e)
            {
                // Handed to the waiting reader, which reports it as "cannot read stdin".
                _result!.SetException(e);
            }
        }
    }

    /// <summary>stdin is the process's: the thread ends with it.</summary>
    public void Dispose() { }
}
