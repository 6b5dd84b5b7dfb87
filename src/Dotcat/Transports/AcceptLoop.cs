using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Transports;

/// <summary>Serves one connection until its conversation is over; the connection is the callee's to close.</summary>
internal delegate Task ServeConnection(Connection connection, CancellationToken cancellationToken);

/// <summary>
/// A listener's clients, each made a connection (through <see cref="ConnectionLayers"/>) and served: without
/// <c>-k</c> the first one only, with it every one concurrently, at most <c>-m</c> at once. The clients are a stream
/// listener's, or a datagram socket's peers (<see cref="DatagramPeers"/>).
/// </summary>
/// <remarks>The filter and wrapper are the run's <see cref="ConnectionLayers"/> unless a test hands its own.</remarks>
internal sealed class AcceptLoop(IAcceptor listener, DotcatOptions options, Log log, ConnectionFilter? filter = null, ConnectionWrapper? wrap = null)
{
    private readonly ConnectionFilter _filter = filter ?? ConnectionLayers.Filter(options, log);
    private readonly ConnectionWrapper _wrap = wrap ?? ConnectionLayers.Wrapper(options, log);
    private bool _shortageReported;

    /// <summary>How long a listener short of descriptors waits before it tries again (a back-off, not a wait for something).</summary>
    private static readonly TimeSpan ShortageBackOff = TimeSpan.FromMilliseconds(100);

    public Task ServeAsync(ServeConnection serve, CancellationToken cancellationToken) =>
        options.KeepOpen ? ServeEachAsync(serve, cancellationToken) : ServeFirstAsync(serve, cancellationToken);

    private async Task ServeFirstAsync(ServeConnection serve, CancellationToken cancellationToken)
    {
        Connection client;
        while (true)
        {
            client = await AcceptAsync(cancellationToken);
            if (await _filter(client, cancellationToken))
                break;
            await client.DisposeAsync();
        }
        // One client only: stop listening, so a second one is refused instead of waiting unanswered.
        listener.Dispose();
        log.Info($"connection from {client.Peer}");
        await serve(await _wrap(client, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Accepts until interrupted, serving each client concurrently. A client's failure is reported and the listener
    /// goes on; a closed stdout ends it quietly, as a broken pipe ends cat.
    /// </summary>
    private async Task ServeEachAsync(ServeConnection serve, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        StdoutClosedException? stdoutClosed = null;
        int active = 0;
        var conversations = new List<Task>();

        async Task ServeOneAsync(Connection client)
        {
            try
            {
                await serve(await _wrap(client, stop.Token), stop.Token);
            }
            catch (StdoutClosedException e)
            {
                stdoutClosed = e;
                await stop.CancelAsync();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // One client's failure is its own line; the listener goes on serving the others.
                ErrorBoundary.Report(e, log);
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        }

        try
        {
            while (true)
            {
                Connection client = await AcceptAsync(stop.Token);
                if (!await _filter(client, stop.Token))
                {
                    await client.DisposeAsync();
                    continue;
                }
                if (Interlocked.Increment(ref active) > options.MaxConnections)
                {
                    Interlocked.Decrement(ref active);
                    log.Info($"connection from {client.Peer} closed: {options.MaxConnections} clients already connected (-m)");
                    await client.DisposeAsync();
                    continue;
                }
                log.Info($"connection from {client.Peer}");
                lock (conversations)
                {
                    conversations.RemoveAll(t => t.IsCompleted);
                    conversations.Add(ServeOneAsync(client));
                }
            }
        }
        catch (OperationCanceledException) when (stdoutClosed is not null)
        {
            throw stdoutClosed;
        }
        finally
        {
            // Leaving ends every conversation; waiting for them lets each close its connection and end its child process.
            await stop.CancelAsync();
            Task[] running;
            lock (conversations)
                running = [.. conversations];
            await Task.WhenAll(running);
        }
    }

    /// <summary>
    /// The next client. Close to the descriptor limit (<see cref="DescriptorHeadroom"/>), or out of descriptors or
    /// kernel memory (EMFILE, ENFILE, ENOBUFS), the listener says so once, backs off briefly and goes on: the clients
    /// wait in the backlog and are served as others leave.
    /// </summary>
    private async Task<Connection> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!DescriptorHeadroom.IsShort())
            {
                try
                {
                    return await listener.AcceptAsync(cancellationToken);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    ReportShortage(SocketErrors.Describe(e.SocketErrorCode));
                }
            }
            else
            {
                ReportShortage("too many open files");
            }
            await Task.Delay(ShortageBackOff, cancellationToken);
        }
    }

    private void ReportShortage(string reason)
    {
        if (!_shortageReported)
            log.Error($"cannot accept more clients for now: {reason}; trying again as clients leave");
        _shortageReported = true;
    }
}
