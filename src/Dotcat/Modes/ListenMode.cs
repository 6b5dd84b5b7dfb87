using System.Net.Sockets;
using Dotcat.Broker;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Relay;
using Dotcat.Responders;
using Dotcat.Toolbox;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary>
/// <c>dotcat -l [HOST] PORT</c>. What serves a client is chosen once: stdin/stdout relayed (one client; with <c>-k</c>,
/// clients served concurrently, stdin going to every one and all writing to stdout), a built-in responder, a process
/// per connection (<c>-e</c>/<c>-c</c>), or the broker (<c>--broker</c>/<c>--chat</c>).
/// </summary>
internal static class ListenMode
{
    /// <summary>Serves one accepted client; owns the socket and closes it when done.</summary>
    private delegate Task ServeClient(Socket client, CancellationToken cancellationToken);

    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        Responder? responder = options.Responder is { } name
            ? ResponderCatalog.Find(name, new ResponderSettings { TimeFormat = options.TimeFormat })
            : null;
        if (responder is not null)
            InlineSocketCompletions.Enable();
        if (options.IsDatagram)
        {
            return responder is not null
                ? await AnswerDatagramsAsync(responder, options, log, cancellationToken)
                : await DatagramListenMode.RunAsync(options, log, cancellationToken);
        }

        using Socket listener = await Listener.ListenStreamAsync(options, log, cancellationToken);
        var stdout = new StdoutWriter(Stdio.OpenStdout());
        return (responder, options.Exec, options.Broker) switch
        {
            (not null, _, _) => await ServeEachAsync(listener, (client, token) => RespondAsync(client, responder, log, token), options, log, cancellationToken),
            (_, { } command, _) => await ServeAsync(listener, (client, token) => ExecSession.RunAsync(client, command, options, log, token), options, log, cancellationToken),
            (_, _, not BrokerKind.None) => await BrokerAsync(listener, stdout, options, log, cancellationToken),
            _ => await RelayStdioAsync(listener, stdout, options, log, cancellationToken),
        };
    }

    private static async Task<int> RelayStdioAsync(Socket listener, StdoutWriter stdout, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        await using var tools = SessionTools.Open(options, log, Stdio.Stderr, Stdio.StderrIsTerminal);
        if (!options.KeepOpen)
            return await ServeAsync(listener, (client, token) => RelayAsync(client, tools.Wrap(new StdioDuplex(tools.Input, stdout)), options, log, token), options, log, cancellationToken);

        var broadcast = new StdinBroadcast(tools.Input);
        _ = broadcast.RunAsync(cancellationToken);
        return await ServeEachAsync(listener, (client, token) => RelayAsync(client, tools.Wrap(new StdioDuplex(broadcast.Subscribe(), stdout)), options, log, token), options, log, cancellationToken);
    }

    private static async Task<int> BrokerAsync(Socket listener, StdoutWriter stdout, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        var hub = new BrokerHub(options.Broker == BrokerKind.Chat, stdout, log);
        _ = hub.RelayStdinAsync(new StdinReader(Stdio.OpenStdin()), cancellationToken);
        return await ServeEachAsync(listener, hub.ServeAsync, options, log, cancellationToken);
    }

    /// <summary>Without <c>-k</c>: the first client only; with it, every client concurrently.</summary>
    private static Task<int> ServeAsync(Socket listener, ServeClient serve, DotcatOptions options, Log log, CancellationToken cancellationToken) =>
        options.KeepOpen
            ? ServeEachAsync(listener, serve, options, log, cancellationToken)
            : ServeFirstAsync(listener, serve, log, cancellationToken);

    private static async Task<int> ServeFirstAsync(Socket listener, ServeClient serve, Log log, CancellationToken cancellationToken)
    {
        Socket client = await listener.AcceptAsync(cancellationToken);
        // One client only: stop listening, so a second one is refused instead of waiting unanswered.
        listener.Dispose();
        Greet(client, log);
        await serve(client, cancellationToken);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Accepts until interrupted, serving each client concurrently, at most <c>-m</c> at once. A client's failure is
    /// logged and the listener goes on; a closed stdout ends it quietly, as a broken pipe ends cat.
    /// </summary>
    private static async Task<int> ServeEachAsync(Socket listener, ServeClient serve, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        StdoutClosedException? stdoutClosed = null;
        int active = 0;
        var sessions = new List<Task>();

        async Task ServeOneAsync(Socket client)
        {
            try
            {
                await serve(client, stop.Token);
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
            catch (SocketException e)
            {
                log.Error(SocketErrors.Describe(e.SocketErrorCode));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Error(e.Message);
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
                Greet(client, log);
                lock (sessions)
                {
                    sessions.RemoveAll(t => t.IsCompleted);
                    sessions.Add(ServeOneAsync(client));
                }
            }
        }
        catch (OperationCanceledException) when (stdoutClosed is not null)
        {
            throw stdoutClosed;
        }
        finally
        {
            // Leaving ends every session; waiting for them lets each close its socket and end its child process.
            await stop.CancelAsync();
            Task[] running;
            lock (sessions)
                running = [.. sessions];
            await Task.WhenAll(running);
        }
    }

    private static void Greet(Socket client, Log log)
    {
        if (client.ProtocolType == ProtocolType.Tcp)
            client.NoDelay = true;
        log.Info($"connection from {Endpoints.Format(client.RemoteEndPoint)}");
    }

    private static async Task RelayAsync(Socket client, Duplex local, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        string peer = Endpoints.Format(client.RemoteEndPoint);
        await using var remote = new SocketDuplex(client);
        await using (local)
            await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
    }

    /// <summary>A responder's conversation; a client that resets or vanishes ends only its own.</summary>
    private static async Task RespondAsync(Socket client, Responder responder, Log log, CancellationToken cancellationToken)
    {
        string peer = Endpoints.Format(client.RemoteEndPoint);
        await using var connection = new SocketDuplex(client);
        try
        {
            await responder.ServeAsync(connection, cancellationToken);
        }
        catch (SocketException e)
        {
            log.Info($"{peer}: {SocketErrors.Describe(e.SocketErrorCode)}");
        }
    }

    /// <summary>A responder over UDP or Unix datagrams: each datagram is answered to its own sender.</summary>
    private static async Task<int> AnswerDatagramsAsync(Responder responder, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        using Socket socket = await Listener.BindDatagramAsync(options, log, cancellationToken);
        await new DatagramResponderServer(socket, responder, log).RunAsync(cancellationToken);
        return ExitCodes.Success;
    }
}
