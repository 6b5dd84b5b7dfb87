using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Dotcat.Diagnostics;
using Dotcat.Text;

namespace Dotcat.Relay;

/// <summary>What the peer's EOF does while the local end is still open (SPEC section 3).</summary>
internal enum AfterPeerEof
{
    /// <summary>
    /// Keep sending until the local end's EOF: the peer's FIN says it sends nothing more, not that it reads nothing
    /// more, so a producer on stdin (a pipe, file or socket) never loses data to a peer that only half-closed.
    /// </summary>
    KeepSending,

    /// <summary>
    /// End once what was received is written: stdin is a terminal (the person has their answer), nothing is ever
    /// sent (<c>--recv-only</c>), or the local end is not this peer's alone (a <c>-k</c> client sharing stdin).
    /// </summary>
    End,
}

/// <summary>How a session copies and when it ends (SPEC section 3).</summary>
internal sealed record RelayOptions
{
    /// <summary>Half-close the remote end when the local end reaches EOF.</summary>
    public bool HalfClose { get; init; } = true;

    /// <summary>After local EOF, end (successfully) once nothing has arrived for this long.</summary>
    public TimeSpan QuitAfterEof { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Fail the session after this long with no data either way.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    public AfterPeerEof AfterPeerEof { get; init; } = AfterPeerEof.KeepSending;

    /// <summary>The most bytes per read (<see cref="ReadBuffer"/> starts smaller and grows to this once bulk flows).</summary>
    public int BufferSize { get; init; } = 1024 * 1024;
}

/// <summary>What a finished session moved, for the <c>-v</c> summary line.</summary>
internal sealed record RelayStats(long Sent, long Received, TimeSpan Elapsed);

/// <summary>
/// The heart of dotcat: copies local → remote and remote → local at the same time, so a slow reader on one side slows
/// the other side down instead of filling memory. Upstream reads the next chunk while the current one is sent (two
/// buffers), downstream has one; each is borrowed only while data flows (<see cref="ReadBuffer"/>), so an idle
/// session waits for input without holding any.
/// <list type="bullet">
/// <item>Local EOF half-closes the remote end (unless told not to) and reading goes on, so the peer's reply arrives.</item>
/// <item>Remote EOF ends the session once its bytes are written locally and, as <see cref="RelayOptions.AfterPeerEof"/>
/// says, at once or once the local end has sent everything up to its own EOF.</item>
/// <item>After local EOF, <see cref="RelayOptions.QuitAfterEof"/> of silence from the remote end also ends it.</item>
/// <item><see cref="RelayOptions.IdleTimeout"/> of silence both ways fails it.</item>
/// <item>A peer that resets, or stops taking data while the local end still sends, fails it
/// (<see cref="PeerFailedException"/> says how much was not sent): exit 0 means every byte read was handed to the peer.</item>
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
        SendFailed,
        Finished,
    }

    public static async Task<RelayStats> RunAsync(Duplex local, Duplex remote, RelayOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int ending = (int)Ending.None;
        Exception? localFailure = null;
        SocketException? sendFailure = null;
        long taken = 0, sent = 0, received = 0;
        bool localEnded = false;

        void End(Ending why)
        {
            // Finished sessions are marked, so a timer that fires late finds nothing to end (stop may be disposed).
            if (Interlocked.CompareExchange(ref ending, (int)why, (int)Ending.None) == (int)Ending.None)
                stop.Cancel();
        }

        PeerFailedException PeerFailed(SocketError error) => new(
            error,
            Interlocked.Read(ref taken) - Interlocked.Read(ref sent),
            inputLeft: !Volatile.Read(ref localEnded) && options.AfterPeerEof == AfterPeerEof.KeepSending);

        using var idle = new ActivityTimer(options.IdleTimeout, () => End(Ending.Idle));
        using var quit = new ActivityTimer(options.QuitAfterEof, () => End(Ending.Quit));
        idle.Touch();

        // Waits for input before borrowing a buffer unless data was flowing at the last read. Every read that waits
        // suspends these two; pooled builders reuse their state instead of allocating one per read, which over a 2 GiB
        // transfer filled the GC's first generation with megabytes of garbage before the first collection (peak RSS
        // grew with the amount received; bench/run.sh memory).
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        async ValueTask<int> ReadAsync(Duplex from, ReadBuffer buffer)
        {
            if (!buffer.Held)
                await from.WaitForInputAsync(stop.Token);
            int read = await from.ReadAsync(buffer.Take(), stop.Token);
            if (read == 0)
                buffer.Release();
            return read;
        }

        // What the local end gave is counted as soon as it is read, so a failure at any moment knows what was in hand.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        async ValueTask<int> ReadLocalAsync(ReadBuffer buffer)
        {
            int read = await ReadAsync(local, buffer);
            Interlocked.Add(ref taken, read);
            return read;
        }

        async Task UpstreamAsync()
        {
            ReadBuffer current = new(options.BufferSize), next = new(options.BufferSize);
            try
            {
                int read = await ReadLocalAsync(current);
                while (read > 0)
                {
                    idle.Touch();
                    // Read the next chunk while this one goes out, so reading and sending overlap.
                    ValueTask<int> reading = ReadLocalAsync(next);
                    await remote.WriteAsync(current.Take()[..read], stop.Token);
                    Interlocked.Add(ref sent, read);
                    current.Used(read);
                    (current, next) = (next, current);
                    read = await reading;
                }
                if (options.HalfClose)
                    await remote.CompleteWritesAsync();
                Volatile.Write(ref localEnded, true);
                quit.Touch();
            }
            catch (SocketException e)
            {
                // The peer takes no more data (it reset, or closed while we were still sending). EPIPE (Shutdown) says
                // the same: the reset itself was reported to the receive, and we never send after our own shutdown.
                Volatile.Write(ref sendFailure, e);
                End(Ending.SendFailed);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // Kept and rethrown once the session has ended in order (the local side failed first).
                localFailure = e;
                End(Ending.LocalFailed);
            }
        }

        // Not awaited when the session ends first: a read from a terminal or pipe cannot be cancelled, and must not
        // hold the session.
        Task upstream = UpstreamAsync();
        try
        {
            var inbound = new ReadBuffer(options.BufferSize);
            while (true)
            {
                int read;
                try
                {
                    read = await ReadAsync(remote, inbound);
                }
                catch (SocketException e)
                {
                    throw PeerFailed(e.SocketErrorCode);
                }
                if (read == 0)
                    break;
                idle.Touch();
                if (Volatile.Read(ref localEnded))
                    quit.Touch();
                await local.WriteAsync(inbound.Take()[..read], stop.Token);
                received += read;
                inbound.Used(read);
            }

            // The peer finished first. A producer on the local end goes on until its EOF (the peer may still read),
            // and the local output, which nothing more can reach, is ended for its reader; otherwise the session is over.
            if (options.AfterPeerEof == AfterPeerEof.KeepSending)
            {
                await local.CompleteWritesAsync();
                await upstream.WaitAsync(stop.Token);
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

        if (Volatile.Read(ref sendFailure) is { } failed)
            throw PeerFailed(failed.SocketErrorCode == SocketError.Shutdown ? SocketError.ConnectionReset : failed.SocketErrorCode);
        if (upstream.IsCompleted && localFailure is not null)
            throw localFailure;
        return new RelayStats(Interlocked.Read(ref sent), received, clock.Elapsed);
    }
}
