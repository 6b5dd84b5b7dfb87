using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary><c>dotcat HOST PORT</c>: connect, then relay stdin/stdout with the peer.</summary>
internal static class ConnectMode
{
    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        (Duplex connection, string peer) = await Connector.OpenAsync(options, log, cancellationToken);
        log.Info($"connected to {peer}");

        await using var remote = connection;
        await using var local = new StdioDuplex(StreamSource.Stdin(), new StdoutWriter(Stdio.OpenStdout()));
        await Session.RunAsync(local, remote, peer, options, log, cancellationToken);
        return ExitCodes.Success;
    }
}
