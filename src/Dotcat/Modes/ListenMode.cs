using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary>
/// <c>dotcat -l [HOST] PORT</c>: one client relayed with stdin/stdout; with <c>-k</c>, clients served concurrently, stdin
/// going to every one of them and all of them writing to stdout, until interrupted.
/// </summary>
internal static class ListenMode
{
    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        if (options.IsDatagram)
            return await DatagramListenMode.RunAsync(options, log, cancellationToken);

        using Socket listener = await Listener.ListenStreamAsync(options, log, cancellationToken);
        var stdin = StreamSource.Stdin();
        var stdout = new StdoutWriter(Stdio.OpenStdout());

        if (!options.KeepOpen)
        {
            Socket client = await listener.AcceptAsync(cancellationToken);
            // One client only: stop listening, so a second one is refused instead of waiting unanswered.
            listener.Dispose();
            await ServeAsync(client, new StdioDuplex(stdin, stdout), options, log, cancellationToken);
            return ExitCodes.Success;
        }

        return await KeepOpenAsync(listener, new StdinBroadcast(stdin), stdout, options, log, cancellationToken);
    }

    private static async Task<int> KeepOpenAsync(
        Socket listener, StdinBroadcast broadcast, StdoutWriter stdout, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        // A session that finds stdout gone ends the whole listener, quietly, as a broken pipe ends cat.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        StdoutClosedException? stdoutClosed = null;
        int active = 0;
        _ = broadcast.RunAsync(stop.Token);

        async Task ServeOneAsync(Socket client)
        {
            try
            {
                await ServeAsync(client, new StdioDuplex(broadcast.Subscribe(), stdout), options, log, stop.Token);
            }
            catch (StdoutClosedException e)
            {
                stdoutClosed = e;
                await stop.CancelAsync();
            }
            catch (DotcatException e)
            {
                log.Error(e.Message);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
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
                Socket client = await listener.AcceptAsync(stop.Token);
                if (Interlocked.Increment(ref active) > options.MaxConnections)
                {
                    Interlocked.Decrement(ref active);
                    log.Info($"connection from {Endpoints.Format(client.RemoteEndPoint)} closed: {options.MaxConnections} clients already connected (-m)");
                    client.Dispose();
                    continue;
                }
                _ = ServeOneAsync(client);
            }
        }
        catch (OperationCanceledException) when (stdoutClosed is not null)
        {
            throw stdoutClosed;
        }
    }

    private static async Task ServeAsync(Socket client, Duplex local, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        if (client.ProtocolType == ProtocolType.Tcp)
            client.NoDelay = true;
        string peer = Endpoints.Format(client.RemoteEndPoint);
        log.Info($"connection from {peer}");
        await using var remote = new SocketDuplex(client);
        await using (local)
            await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
    }
}
