using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary><c>dotcat HOST PORT</c>: one connection, opened by the run's connector, served by the run's service.</summary>
internal static class ConnectMode
{
    public static async Task<int> RunAsync(DotcatOptions options, DotcatConsole console, Log log, CancellationToken cancellationToken)
    {
        await using var service = ServiceRun.Start(options, console, log, cancellationToken);
        // Made first: a TLS handshake spends what is left of -w after the connect.
        ConnectionWrapper wrap = ConnectionLayers.Wrapper(options, log);
        Connection connection = await ConnectionLayers.Connector(options, log).ConnectAsync(cancellationToken);
        log.Info($"connected to {connection.Peer}");
        connection = await wrap(connection, cancellationToken);
        await service.ServeAsync(connection, cancellationToken);
        return ExitCodes.Success;
    }
}
