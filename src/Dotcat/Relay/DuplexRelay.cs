using System.Diagnostics;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Text;

namespace Dotcat.Relay;

/// <summary>How a session copies and when it ends (SPEC section 3).</summary>
internal sealed record RelayOptions
{
    /// <summary>Half-close the remote end when the local end reaches EOF.</summary>
    public bool HalfClose { get; init; } = true;

    /// <summary>After local EOF, end (successfully) once nothing has arrived for this long.</summary>
    public TimeSpan QuitAfterEof { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Fail the session after this long with no data either way.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// After the peer's EOF, how long the local end may have been quiet before the session ends anyway (socat's -t).
    /// Infinite: the local end's own EOF alone ends it (connect mode's <c>-k</c>).
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The most bytes per read. A direction starts with a small buffer and moves to one of this size the first time a
    /// read fills it (bulk data is flowing): large reads keep transfers near the kernel's speed, and a quiet direction
    /// costs little. Either way memory is fixed, however much flows.
    /// </summary>
    public int BufferSize { get; init; } = 1024 * 1024;
}

/// <summary>What a finished session moved, for the <c>-v</c> summary line.</summary>
internal sealed record RelayStats(long Sent, long Received, TimeSpan Elapsed);

/// <summary>
/// The heart of dotcat: copies local → remote and remote → local at the same time, so a slow reader on one side slows
/// the other side down instead of filling memory. Upstream keeps two buffers (the next chunk is read while the current
/// one is sent), downstream one; each starts small and grows once to <see cref="RelayOptions.BufferSize"/>.
/// <list type="bullet">
/// <item>Local EOF half-closes the remote end (unless told not to) and reading goes on, so the peer's reply arrives.</item>
/// <item>Remote EOF ends the session once its bytes are written locally and the local end has been quiet for
/// <see cref="RelayOptions.Linger"/> (at once if it already was), even if it is still open; what it still produces
/// until then is sent.</item>
/// <item>After local EOF, <see cref="RelayOptions.QuitAfterEof"/> of silence from the remote end also ends it.</item>
/// <item><see cref="RelayOptions.IdleTimeout"/> of silence both ways fails it.</item>
/// </list>
/// </summary>
internal static class DuplexRelay
{
    private enum Ending
    {
        None,
        Quit,
        Idle,
        LocalFailed,
        Finished,
    }

    public static async Task<RelayStats> RunAsync(Duplex local, Duplex remote, RelayOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int ending = (int)Ending.None;
        Exception? localFailure = null;
        long sent = 0, received = 0;
        bool localEnded = false, sending = false;
        long lastLocalData = Stopwatch.GetTimestamp();
        using var chunkSent = new SemaphoreSlim(0);

        void End(Ending why)
        {
            // Finished sessions are marked, so a timer that fires late finds nothing to end (stop may be disposed).
            if (Interlocked.CompareExchange(ref ending, (int)why, (int)Ending.None) == (int)Ending.None)
                stop.Cancel();
        }

        using var idle = new ActivityTimer(options.IdleTimeout, () => End(Ending.Idle));
        using var quit = new ActivityTimer(options.QuitAfterEof, () => End(Ending.Quit));
        idle.Touch();

        async Task UpstreamAsync()
        {
            try
            {
                byte[] current = NewBuffer(options), next = NewBuffer(options);
                int read = await local.ReadAsync(current, stop.Token);
                while (read > 0)
                {
                    Volatile.Write(ref sending, true);
                    Volatile.Write(ref lastLocalData, Stopwatch.GetTimestamp());
                    idle.Touch();
                    // Read the next chunk while this one goes out, so reading and sending overlap.
                    ValueTask<int> reading = local.ReadAsync(next, stop.Token);
                    await remote.WriteAsync(current.AsMemory(0, read), stop.Token);
                    Interlocked.Add(ref sent, read);
                    Volatile.Write(ref sending, false);
                    if (chunkSent.CurrentCount == 0)
                        chunkSent.Release();
                    (current, next) = (next, Grown(current, read, options));
                    read = await reading;
                }
                if (options.HalfClose)
                    await remote.CompleteWritesAsync();
                Volatile.Write(ref localEnded, true);
                quit.Touch();
            }
            catch (SocketException)
            {
                // The peer stopped taking data (closed or reset); the downstream read says which, and how we end.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                localFailure = e;
                End(Ending.LocalFailed);
            }
        }

        // Not awaited at the end: a read from a terminal or pipe cannot be cancelled, and must not hold the session.
        Task upstream = UpstreamAsync();
        try
        {
            byte[] buffer = NewBuffer(options);
            while (true)
            {
                int read = await remote.ReadAsync(buffer, stop.Token);
                if (read == 0)
                    break;
                idle.Touch();
                if (Volatile.Read(ref localEnded))
                    quit.Touch();
                await local.WriteAsync(buffer.AsMemory(0, read), stop.Token);
                received += read;
                buffer = Grown(buffer, read, options);
            }

            // The peer finished first. The local end may still be producing (the rest of a file, a pipe being filled,
            // bytes in flight when the peer's EOF came): forward it until it has been quiet for Linger, counted from
            // its last data, then end, even though it is still open. A local end quiet for longer ends it at once.
            while (!upstream.IsCompleted)
            {
                TimeSpan left = options.Linger == Timeout.InfiniteTimeSpan
                    ? Timeout.InfiniteTimeSpan
                    : options.Linger - Stopwatch.GetElapsedTime(Volatile.Read(ref lastLocalData));
                bool busy = Volatile.Read(ref sending) || local.HasPendingInput;
                if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero && !busy)
                    break;
                using CancellationTokenSource quiet = Deadline.After(busy ? null : left, stop.Token);
                await Task.WhenAny(upstream, chunkSent.WaitAsync(quiet.Token));
                stop.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && stop.IsCancellationRequested)
        {
            switch ((Ending)Volatile.Read(ref ending))
            {
                case Ending.Idle:
                    throw new DotcatException($"idle timeout: no data for {TimeValue.Format(options.IdleTimeout!.Value)}");
                case Ending.LocalFailed:
                    throw localFailure!;
            }
        }
        finally
        {
            Interlocked.CompareExchange(ref ending, (int)Ending.Finished, (int)Ending.None);
            await stop.CancelAsync();
        }

        if (upstream.IsCompleted && localFailure is not null)
            throw localFailure;
        return new RelayStats(Interlocked.Read(ref sent), received, clock.Elapsed);
    }

    private const int InitialBufferSize = 64 * 1024;

    private static byte[] NewBuffer(RelayOptions options) => new byte[Math.Min(InitialBufferSize, options.BufferSize)];

    /// <summary>The buffer for the next read: the full-size one once a read has filled the small one.</summary>
    private static byte[] Grown(byte[] buffer, int read, RelayOptions options) =>
        read == buffer.Length && buffer.Length < options.BufferSize ? new byte[options.BufferSize] : buffer;
}
