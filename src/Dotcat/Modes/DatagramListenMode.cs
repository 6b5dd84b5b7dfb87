using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Relay;
using Dotcat.Toolbox;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary>
/// <c>dotcat -l -u</c> (UDP or Unix datagram). Without <c>-k</c> the first peer to send is the only one answered, as in
/// every netcat: its datagram is read, the socket is connected to it, and the session is relayed with stdin/stdout.
/// With <c>-k</c> every peer is heard and stdin goes to the one that spoke last.
/// </summary>
internal static class DatagramListenMode
{
    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        await using var tools = SessionTools.Open(options, log, Stdio.Stderr, Stdio.StderrIsTerminal);
        Socket socket = await Listener.BindDatagramAsync(options, log, cancellationToken);
        int maxDatagram = Datagrams.MaxSize(options.Transport);
        IByteSource stdin = tools.Input;
        Duplex remote;
        string peer;
        try
        {
            if (options.KeepOpen)
            {
                remote = new MultiPeerDatagramDuplex(socket, maxDatagram, from => log.Info($"connection from {Endpoints.Format(from)}"));
                peer = Endpoints.Format(socket.LocalEndPoint);
            }
            else
            {
                (remote, peer, bool canReply) = await AnswerFirstPeerAsync(socket, maxDatagram, log, cancellationToken);
                if (options.Exec is { } command)
                {
                    await ExecSession.RunAsync(socket, command, options, log, cancellationToken, remote);
                    return ExitCodes.Success;
                }
                if (!canReply)
                    stdin = new EmptySource();
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        await using (remote)
        await using (var local = tools.Wrap(new StdioDuplex(stdin, new StdoutWriter(Stdio.OpenStdout()))))
            await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
        return ExitCodes.Success;
    }

    private static async Task<(Duplex Remote, string Peer, bool CanReply)> AnswerFirstPeerAsync(
        Socket socket, int maxDatagram, Log log, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(maxDatagram, Datagrams.MaxUdp) + 1];
        var from = new SocketAddress(socket.AddressFamily);
        int read = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, cancellationToken);
        EndPoint sender = socket.LocalEndPoint!.Create(from);
        string peer = Endpoints.Format(sender);
        log.Info($"connection from {peer}");

        // A Unix datagram client that bound no address can be heard but not answered.
        bool canReply = !UnixSockets.IsUnnamed(sender);
        if (canReply)
            await socket.ConnectAsync(sender, cancellationToken);
        else
            log.Warning($"the peer has no address of its own, so nothing can be sent back to it");
        return (new DatagramDuplex(socket, maxDatagram, buffer.AsMemory(0, read), peerOnly: from), peer, canReply);
    }
}
