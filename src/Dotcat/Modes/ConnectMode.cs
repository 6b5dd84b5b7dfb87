using System.Diagnostics;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Relay;
using Dotcat.Toolbox;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary><c>dotcat HOST PORT</c>: connect, then relay stdin/stdout with the peer.</summary>
internal static class ConnectMode
{
    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        await using var tools = SessionTools.Open(options, log, Stdio.Stderr, Stdio.StderrIsTerminal);
        (Duplex connection, string peer) = await Connector.OpenAsync(options, log, cancellationToken);
        log.Info($"connected to {peer}");
        if (options.Exec is { } command)
        {
            Socket socket = connection switch
            {
                SocketDuplex stream => stream.Socket,
                DatagramDuplex datagrams => datagrams.Socket,
                _ => throw new UnreachableException(),
            };
            await ExecSession.RunAsync(socket, command, options, log, cancellationToken, connection);
            return ExitCodes.Success;
        }

        await using var remote = connection;
        await using var local = tools.Wrap(new StdioDuplex(tools.Input, new StdoutWriter(Stdio.OpenStdout())));
        await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
        return ExitCodes.Success;
    }
}
