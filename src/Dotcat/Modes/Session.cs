using System.Globalization;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Modes;

/// <summary>One relayed conversation with one peer: runs the relay, names the peer in failures, prints the -v summary.</summary>
internal static class Session
{
    public static RelayOptions RelayOptionsFor(DotcatOptions options) => new()
    {
        HalfClose = options.HalfClose,
        QuitAfterEof = options.QuitAfterEof,
        IdleTimeout = options.IdleTimeout,
    };

    public static async Task RunAsync(Duplex local, Duplex remote, string peer, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        RelayStats stats;
        try
        {
            stats = await DuplexRelay.RunAsync(local, remote, RelayOptionsFor(options), cancellationToken);
        }
        catch (SocketException e)
        {
            throw new DotcatException($"connection with {peer} failed: {SocketErrors.Describe(e.SocketErrorCode)}", ExitCodes.Failure, e);
        }
        catch (DotcatException e) when (e is not StdoutClosedException && e.ExitCode == ExitCodes.Failure)
        {
            throw new DotcatException($"{peer}: {e.Message}", e.ExitCode, e);
        }
        log.Info(Summary(stats));
    }

    public static string Summary(RelayStats stats) => string.Create(
        CultureInfo.InvariantCulture,
        $"{stats.Sent} bytes sent, {stats.Received} bytes received in {stats.Elapsed.TotalSeconds:0.00} seconds");
}
