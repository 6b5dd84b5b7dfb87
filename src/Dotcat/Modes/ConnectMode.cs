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
        await using var tools = SessionTools.Open(options, log, Console.Error, !Console.IsErrorRedirected);
        var socket = await Connector.ConnectStreamAsync(options, log, cancellationToken);
        string peer = Endpoints.Format(socket.RemoteEndPoint);
        log.Info($"connected to {peer}");

        if (options.Exec is { } command)
        {
            await ExecSession.RunAsync(socket, command, options, log, cancellationToken);
            return ExitCodes.Success;
        }

        await using var remote = new SocketDuplex(socket);
        await using var local = tools.Wrap(new StdioDuplex(tools.Input, new StdoutWriter(Stdio.OpenStdout())));
        await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
        return ExitCodes.Success;
    }
}
