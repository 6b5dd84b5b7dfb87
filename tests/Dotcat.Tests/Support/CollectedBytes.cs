using System.Text;

namespace Dotcat.Tests.Support;

/// <summary>
/// A dotcat's stdout as it arrives (a write-only stream), readable and waitable while the run writes: a test waits for
/// the bytes it expects instead of reading before the pump wrote them.
/// </summary>
internal sealed class CollectedBytes : Stream
{
    private readonly MemoryStream _bytes = new();
    private TaskCompletionSource _nextWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public byte[] ToArray()
    {
        lock (_bytes)
            return _bytes.ToArray();
    }

    /// <summary>Waits until the bytes so far satisfy <paramref name="done"/>; a timeout says what arrived.</summary>
    public async Task WaitForAsync(Func<byte[], bool> done, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            // Taken before looking at the bytes, so no write slips between the look and the wait.
            Task written;
            lock (_bytes)
                written = _nextWrite.Task;
            byte[] now = ToArray();
            if (done(now))
                return;
            try
            {
                await written.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new TimeoutException($"stdout did not get what was expected in time; stdout so far: '{Encoding.UTF8.GetString(now)}'", e);
            }
        }
    }

    public Task WaitForTextAsync(string text, TimeSpan timeout) =>
        WaitForAsync(bytes => Encoding.UTF8.GetString(bytes).Contains(text, StringComparison.Ordinal), timeout);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        TaskCompletionSource written;
        lock (_bytes)
        {
            _bytes.Write(buffer);
            written = _nextWrite;
            _nextWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        written.SetResult();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
