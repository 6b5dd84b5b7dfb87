using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary><c>dotcat HOST PORT</c>: connect, then relay stdin/stdout with the peer.</summary>
internal static class ConnectMode
{
    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        var socket = await Connector.ConnectStreamAsync(options, log, cancellationToken);
        string peer = Endpoints.Format(socket.RemoteEndPoint);
        log.Info($"connected to {peer}");

        if (options.Exec is { } command)
        {
            await ExecSession.RunAsync(socket, command, options, log, cancellationToken);
            return ExitCodes.Success;
        }

        await using var remote = new SocketDuplex(socket);
        await using var local = new StdioDuplex(StreamSource.Stdin(), new StdoutWriter(Stdio.OpenStdout()));
        await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
        return ExitCodes.Success;
    }
}
